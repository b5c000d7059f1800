"""Forms of the vault (:mod:`.vault`) and of the DPO's pages (:mod:`.dpo`)."""
