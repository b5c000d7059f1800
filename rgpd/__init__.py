"""RGPD: consents, the vault, the audit journal, retention and data-subject rights."""
