"""The rgpd pages: the mediator's vault (``/coffre/``) and the DPO's pages (``/rgpd/``).

Every one of them shows a person (``accompagnement.Usager``) beside what the vault keeps about
them, so this sub-package sits ABOVE the domain apps (import-linter's layers contract in
``pyproject.toml``), while the rest of ``rgpd`` (journal, crypto, consents, vault services,
retention) sits below them and never imports a domain app. Here: thin views
(:mod:`.views.vault`, :mod:`.views.dpo`), the person lookups (:mod:`.selectors`), the
data-subject rights (:mod:`.rights`) and the processing register (:mod:`.register`).
"""
