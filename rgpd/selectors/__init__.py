"""Reads of the vault: ``access_*`` helpers (one object for one user, or a refusal), the
journaled reads, the person's vault, the journal list. Nothing here imports a domain app."""
