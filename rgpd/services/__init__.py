"""The vault's writes: consents, temporary credentials, scanned documents, purge.

Every write is keyword-only, checks who may do it, runs in one transaction and journals itself
in that transaction (:func:`rgpd.journal.record`): if the journal write fails, the action fails.
Refusals of a reveal or a download are journaled too, in their own transaction, then raised as
:class:`rgpd.rules.VaultRefused`. Secrets never appear in an exception, a log line or the journal.

One module per idea: :mod:`.consents`, :mod:`.credentials`, :mod:`.documents`, :mod:`.purge`
(and :mod:`.secrets`, what credentials and documents share). Reads are in :mod:`rgpd.selectors`,
durations in :mod:`rgpd.retention`.
"""
