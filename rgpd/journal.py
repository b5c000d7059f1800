"""The audit journal's services: append an entry, verify the chain, rotate old entries away.

Chaining: each entry's ``hash`` is the SHA-256 of its canonical form
(:meth:`rgpd.models.JournalEntry.canonical`), which includes ``seq`` and the previous entry's
hash. Writers are serialised by a PostgreSQL transaction-level advisory lock taken before
reading the head of the chain, so concurrent writers never fork it; the lock is released when
the caller's transaction ends.

:func:`record` joins the caller's transaction: call it in the same ``transaction.atomic()``
block as the action it journals, so that if the journal write fails the action fails too (and
if the action fails, no entry remains). As the lock is held until commit, keep what follows it
in the transaction short.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from mds.models import MDS, User

from .models import (
    GENESIS_HASH,
    JournalAction,
    JournalCheckpoint,
    JournalEntry,
    JournalReason,
)

#: Key of the advisory lock serialising journal writers ("mds_jrnl" in ASCII).
JOURNAL_LOCK_ID = 0x6D64735F6A726E6C
#: Session setting the trigger accepts, inside a transaction, for the sanctioned rotation only.
ROTATION_SETTING = "mds.journal_rotation"

_TARGET_TYPE = re.compile(r"^([a-z][a-z0-9_]{0,39})?$")
# Identifiers only (numbers, UUIDs, codes): never a name or free text.
_TARGET_ID = re.compile(r"^[A-Za-z0-9_.:-]{0,64}$")


class JournalBrokenError(Exception):
    """The chain does not verify: nothing is rotated away until the break is explained."""


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [JOURNAL_LOCK_ID])


def _head() -> tuple[int, str]:
    """``(seq, hash)`` of the last entry, else of the latest checkpoint, else the genesis."""
    last = JournalEntry.objects.order_by("-seq").values_list("seq", "hash").first()
    if last is not None:
        return last
    checkpoint = (
        JournalCheckpoint.objects.order_by("-last_seq").values_list("last_seq", "last_hash").first()
    )
    return checkpoint if checkpoint is not None else (0, GENESIS_HASH)


def record(
    *,
    actor: User | None,
    action: str,
    target_type: str = "",
    target_id: str | int | uuid.UUID = "",
    reason: str = "",
    mds: MDS | None = None,
) -> JournalEntry:
    """Append one entry to the journal, chained to the previous one, in the caller's transaction.

    ``actor`` is ``None`` for the system (scheduled jobs, commands). ``action`` and ``reason``
    come from :class:`JournalAction` and :class:`JournalReason`; ``target_type`` is a short
    lowercase name (``"usager"``, ``"secret"``…) and ``target_id`` an identifier, never text.
    """
    if action not in JournalAction.values:
        raise ValueError(f"Action de journal inconnue : {action!r}")
    if reason not in JournalReason.values:
        raise ValueError(f"Motif de journal inconnu : {reason!r}")
    target_id = str(target_id)
    if not _TARGET_TYPE.match(target_type):
        raise ValueError(f"Type de cible invalide : {target_type!r}")
    if not _TARGET_ID.match(target_id):
        raise ValueError("Identifiant de cible invalide : un identifiant, jamais du texte libre.")
    if actor is not None and actor.pk is None:
        raise ValueError("L'auteur doit être un utilisateur enregistré.")
    with transaction.atomic():
        _lock()
        seq, prev_hash = _head()
        entry = JournalEntry(
            seq=seq + 1,
            created_at=timezone.now(),
            actor=actor,
            action=action,
            target_type=target_type,
            target_id=target_id,
            reason=reason,
            mds=mds,
            prev_hash=prev_hash,
        )
        entry.hash = entry.compute_hash()
        entry.save()
    return entry


@dataclass(frozen=True)
class ChainReport:
    """Result of :func:`verify_chain`; ``broken_id`` is the first entry that does not verify."""

    count: int
    head_hash: str
    broken_id: int | None = None
    broken_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


def _entries(chunk_size: int, upto_seq: int | None) -> Iterator[JournalEntry]:
    qs = JournalEntry.objects.order_by("seq")
    if upto_seq is not None:
        qs = qs.filter(seq__lte=upto_seq)
    return qs.iterator(chunk_size=chunk_size)


def verify_chain(*, chunk_size: int = 2000, upto_seq: int | None = None) -> ChainReport:
    """Walk the journal in order from the latest checkpoint (or the genesis), recomputing hashes."""
    checkpoint = JournalCheckpoint.objects.order_by("-last_seq").first()
    expected_seq, prev_hash = (
        (checkpoint.last_seq + 1, checkpoint.last_hash) if checkpoint else (1, GENESIS_HASH)
    )
    count = 0
    # The latest rotation must be journaled in the chain kept after it (a checkpoint inserted
    # by hand to hide deleted entries has no such entry).
    rotation_seen = checkpoint is None or upto_seq is not None
    for entry in _entries(chunk_size, upto_seq):
        problem = ""
        if entry.seq != expected_seq:
            problem = f"numéro {entry.seq} au lieu de {expected_seq} (entrée retirée ou ajoutée)"
        elif entry.prev_hash != prev_hash:
            problem = "l'empreinte précédente ne correspond pas (chaîne rompue)"
        elif entry.compute_hash() != entry.hash:
            problem = "le contenu ne correspond plus à son empreinte (entrée modifiée)"
        if problem:
            return ChainReport(
                count=count,
                head_hash=prev_hash,
                broken_id=entry.pk,
                broken_seq=entry.seq,
                problem=problem,
            )
        count += 1
        expected_seq, prev_hash = entry.seq + 1, entry.hash
        if (
            not rotation_seen
            and checkpoint is not None
            and entry.action == JournalAction.ROTATE_JOURNAL
            and entry.target_id == str(checkpoint.pk)
        ):
            rotation_seen = True
    if not rotation_seen:
        return ChainReport(
            count=count,
            head_hash=prev_hash,
            problem=f"le point de contrôle n° {checkpoint.pk if checkpoint else '?'} "
            "n'est pas journalisé (rotation non sanctionnée)",
        )
    return ChainReport(count=count, head_hash=prev_hash)


def rotate_journal(*, before: dt.datetime, actor: User | None = None) -> JournalCheckpoint | None:
    """Remove the entries older than ``before``, keeping a checkpoint so the rest still verifies.

    The only sanctioned way to delete journal entries: it verifies the segment first (a broken
    segment is never buried), writes the checkpoint, deletes under the trigger's rotation
    setting, and journals the rotation itself. Returns ``None`` when nothing is old enough.
    """
    if before > timezone.now():
        raise ValueError("La rotation ne peut porter que sur des entrées passées.")
    with transaction.atomic():
        _lock()
        last = (
            JournalEntry.objects.filter(created_at__lt=before)
            .order_by("-seq")
            .values_list("seq", "hash")
            .first()
        )
        if last is None:
            return None
        last_seq, last_hash = last
        report = verify_chain(upto_seq=last_seq)
        if not report.ok:
            raise JournalBrokenError(
                f"Journal rompu à l'entrée {report.broken_id} : {report.problem}."
            )
        checkpoint = JournalCheckpoint.objects.create(
            before=before, last_seq=last_seq, last_hash=last_hash, removed_count=report.count
        )
        table = connection.ops.quote_name(JournalEntry._meta.db_table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # SET LOCAL: the permission ends with this transaction at the latest.
                cursor.execute(f"SET LOCAL {ROTATION_SETTING} = 'on'")
            cursor.execute(f"DELETE FROM {table} WHERE seq <= %s", [last_seq])  # noqa: S608
            if connection.vendor == "postgresql":
                cursor.execute(f"SET LOCAL {ROTATION_SETTING} = 'off'")
        record(
            actor=actor,
            action=JournalAction.ROTATE_JOURNAL,
            target_type="journal_checkpoint",
            target_id=checkpoint.pk,
            reason=JournalReason.RETENTION_POLICY,
        )
    return checkpoint


def retention_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Entries older than this are due for rotation (setting ``JOURNAL_RETENTION_MONTHS``)."""
    from django.conf import settings

    months = int(getattr(settings, "JOURNAL_RETENTION_MONTHS", 12))
    if not 1 <= months <= 120:
        raise ValueError("JOURNAL_RETENTION_MONTHS : de 1 à 120 mois.")
    # a month is counted as 30.5 days: the exact calendar day does not matter for retention
    return (now or timezone.now()) - dt.timedelta(days=round(months * 30.5))


def rotate_by_policy(*, now: dt.datetime | None = None) -> JournalCheckpoint | None:
    """The scheduled rotation: remove entries past the retention period, keep a checkpoint."""
    return rotate_journal(before=retention_cutoff(now))
