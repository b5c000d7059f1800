"""The audit journal's services: append an entry, verify the chain, rotate old entries away,
export the signed head.

Chaining: each entry's ``hash`` is the HMAC-SHA256, under the journal key named by its ``kid``
(``JOURNAL_KEYS``, :mod:`rgpd.journal_keys`), of its canonical form
(:meth:`rgpd.models.JournalEntry.canonical`), which includes ``seq``, ``kid`` and the previous
entry's hash. An entry without ``kid`` (plain SHA-256, the form before the key) is refused:
migration 0008 re-signed the entries written before it, after verifying them.
Writers are serialised by a PostgreSQL transaction-level advisory lock taken before
reading the head of the chain, so concurrent writers never fork it; the lock is released when
the caller's transaction ends.

:func:`record` joins the caller's transaction: call it in the same ``transaction.atomic()``
block as the action it journals, so that if the journal write fails the action fails too (and
if the action fails, no entry remains). As the lock is held until commit, keep what follows it
in the transaction short.

Defences against a journal that loses entries while verifying OK (see docs/rgpd.md):

- the PostgreSQL trigger refuses to delete an entry younger than the retention (migration 0008;
  the interval is the SQL function ``rgpd_journal_retention()``, rewritten by every ``migrate``
  from ``JOURNAL_RETENTION_MONTHS`` — the application role cannot replace it);
- :func:`verify_chain` refuses a checkpoint that cuts inside the retention, measured from the
  (signed) rotation entry that sanctions it;
- :func:`export_head` signs the head ``(seq, hash)`` for the logs and the DPO; verifying with
  ``expect=(seq, hash)`` proves that nothing up to that head was lost or changed, even by someone
  who holds the database and the key.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from mds.models import MDS, User

from . import journal_keys
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
#: Prefix of an exported head line (logs, DPO page, ``journal_head`` file).
HEAD_PREFIX = "MDS-JOURNAL-HEAD"

head_logger = logging.getLogger("rgpd.journal.head")

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
    kid = journal_keys.current_kid()  # no key, no entry (ImproperlyConfigured), before the lock
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
            kid=kid,
        )
        entry.hash = entry.compute_hash()
        entry.save()
    return entry


@dataclass(frozen=True)
class ChainReport:
    """Result of :func:`verify_chain`; ``broken_id`` is the first entry that does not verify.

    ``head_seq``/``head_hash`` are the last verified entry (or the checkpoint/genesis).
    """

    count: int
    head_hash: str
    broken_id: int | None = None
    broken_seq: int | None = None
    problem: str = ""
    head_seq: int = 0

    @property
    def ok(self) -> bool:
        return not self.problem


def _entries(chunk_size: int, upto_seq: int | None) -> Iterator[JournalEntry]:
    qs = JournalEntry.objects.order_by("seq")
    if upto_seq is not None:
        qs = qs.filter(seq__lte=upto_seq)
    return qs.iterator(chunk_size=chunk_size)


def _entry_problem(entry: JournalEntry, expected_seq: int, prev_hash: str) -> str:
    if entry.seq != expected_seq:
        return f"numéro {entry.seq} au lieu de {expected_seq} (entrée retirée ou ajoutée)"
    if entry.prev_hash != prev_hash:
        return "l'empreinte précédente ne correspond pas (chaîne rompue)"
    if not entry.kid:
        return "entrée non signée (réécrite sans la clé du journal)"
    try:
        computed = entry.compute_hash()
    except journal_keys.UnknownJournalKeyError:
        return f"signée par la clé « {entry.kid} », absente de JOURNAL_KEYS"
    if not hmac.compare_digest(computed, entry.hash):
        return "le contenu ne correspond plus à son empreinte (entrée modifiée)"
    return ""


def _checkpoint_problem(
    checkpoint: JournalCheckpoint, rotation: JournalEntry | None, retention_months: int | None
) -> str:
    """The latest checkpoint must be sanctioned by its rotation entry, outside the retention."""
    if rotation is None:
        # A checkpoint inserted by hand to hide deleted entries has no rotation entry.
        return (
            f"le point de contrôle n° {checkpoint.pk} n'est pas journalisé "
            "(rotation non sanctionnée)"
        )
    cutoff = retention_cutoff(rotation.created_at, months=retention_months)
    if checkpoint.before > cutoff:
        return (
            f"le point de contrôle n° {checkpoint.pk} coupe dans la durée de conservation "
            f"(entrées antérieures au {checkpoint.before:%Y-%m-%d %H:%M}, rotation du "
            f"{rotation.created_at:%Y-%m-%d %H:%M}) : entrées récentes retirées"
        )
    return ""


def verify_chain(
    *,
    chunk_size: int = 2000,
    upto_seq: int | None = None,
    expect: tuple[int, str] | None = None,
    retention_months: int | None = None,
) -> ChainReport:
    """Walk the journal in order from the latest checkpoint (or the genesis), recomputing MACs.

    ``expect=(seq, hash)`` is a head exported earlier (:func:`export_head`): the entry ``seq``
    must still be there with that hash, else entries up to it were lost or rewritten. A head
    already rotated away is refused (export daily: a recent head always exists).
    ``retention_months`` defaults to ``JOURNAL_RETENTION_MONTHS`` (give the retention in force
    at the latest rotation if it was raised since).
    """
    checkpoint = JournalCheckpoint.objects.order_by("-last_seq").first()
    expected_seq, prev_hash = (
        (checkpoint.last_seq + 1, checkpoint.last_hash) if checkpoint else (1, GENESIS_HASH)
    )
    count = 0
    rotation: JournalEntry | None = None

    def broken(problem: str, entry: JournalEntry | None = None) -> ChainReport:
        return ChainReport(
            count=count,
            head_hash=prev_hash,
            broken_id=entry.pk if entry else None,
            broken_seq=entry.seq if entry else None,
            problem=problem,
            head_seq=expected_seq - 1,
        )

    if expect is not None and checkpoint is not None and expect[0] <= checkpoint.last_seq:
        # Even when it matches the checkpoint: whoever cut there chose to match it.
        return broken(
            f"l'entrée attendue n° {expect[0]} a été retirée par une rotation : elle ne "
            "prouve plus rien, utilisez une tête exportée plus récente"
        )
    for entry in _entries(chunk_size, upto_seq):
        problem = _entry_problem(entry, expected_seq, prev_hash)
        rewritten = expect is not None and entry.seq == expect[0] and entry.hash != expect[1]
        if not problem and rewritten:
            problem = (
                "l'empreinte ne correspond plus à la tête exportée (historique réécrit "
                "jusqu'à cette entrée)"
            )
        if problem:
            return broken(problem, entry)
        count += 1
        expected_seq, prev_hash = entry.seq + 1, entry.hash
        if (
            rotation is None
            and checkpoint is not None
            and entry.action == JournalAction.ROTATE_JOURNAL
            and entry.target_id == str(checkpoint.pk)
        ):
            rotation = entry
    if expect is not None and expect[0] > expected_seq - 1:
        return broken(
            f"la tête exportée n° {expect[0]} n'existe plus (le journal s'arrête au "
            f"n° {expected_seq - 1}) : entrées récentes supprimées"
        )
    if checkpoint is not None and upto_seq is None:
        problem = _checkpoint_problem(checkpoint, rotation, retention_months)
        if problem:
            return broken(problem)
    return ChainReport(count=count, head_hash=prev_hash, head_seq=expected_seq - 1)


def rotate_journal(*, before: dt.datetime, actor: User | None = None) -> JournalCheckpoint | None:
    """Remove the entries older than ``before``, keeping a checkpoint so the rest still verifies.

    The only sanctioned way to delete journal entries: it verifies the segment first (a broken
    segment is never buried), writes the checkpoint, deletes under the trigger's rotation
    setting, and journals the rotation itself. Returns ``None`` when nothing is old enough.
    ``before`` may not cut inside the retention (:func:`retention_cutoff`): the trigger would
    refuse the deletion and :func:`verify_chain` the checkpoint.
    """
    if before > timezone.now():
        raise ValueError("La rotation ne peut porter que sur des entrées passées.")
    if before > retention_cutoff():
        raise ValueError(
            "La rotation ne peut retirer que des entrées plus anciennes que la durée de "
            "conservation du journal (JOURNAL_RETENTION_MONTHS)."
        )
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


def retention_months() -> int:
    """``JOURNAL_RETENTION_MONTHS``, checked (1 to 120)."""
    months = int(getattr(settings, "JOURNAL_RETENTION_MONTHS", 12))
    if not 1 <= months <= 120:
        raise ValueError("JOURNAL_RETENTION_MONTHS : de 1 à 120 mois.")
    return months


def retention_days(months: int | None = None) -> int:
    # a month is counted as 30.5 days: the exact calendar day does not matter for retention
    return round((months if months is not None else retention_months()) * 30.5)


def retention_cutoff(now: dt.datetime | None = None, *, months: int | None = None) -> dt.datetime:
    """Entries older than this are due for rotation (setting ``JOURNAL_RETENTION_MONTHS``)."""
    return (now or timezone.now()) - dt.timedelta(days=retention_days(months))


def rotate_by_policy(*, now: dt.datetime | None = None) -> JournalCheckpoint | None:
    """The scheduled rotation: remove entries past the retention period, keep a checkpoint."""
    return rotate_journal(before=retention_cutoff(now))


# --------------------------------------------------------------------------------------------
# The retention in the database (used by the trigger of migration 0008)
# --------------------------------------------------------------------------------------------

RETENTION_FUNCTION = "rgpd_journal_retention"


def retention_function_sql(days: int) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {RETENTION_FUNCTION}() RETURNS interval "
        f"LANGUAGE sql STABLE AS $$ SELECT interval '{int(days)} days' $$"
    )


def sync_retention_guard(
    *, using: str = DEFAULT_DB_ALIAS, db: BaseDatabaseWrapper | None = None, **kwargs: Any
) -> None:
    """Write ``JOURNAL_RETENTION_MONTHS`` into the database's ``rgpd_journal_retention()``.

    Connected to ``post_migrate``: every ``migrate`` (run by the owner role, see docs/rgpd.md)
    brings the trigger's retention in line with the setting. The application role, which does
    not own the function, cannot shorten it. Nothing is written when it is already right.
    """
    db = db or connections[using]
    if db.vendor != "postgresql":
        return
    days = retention_days()
    with db.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_proc WHERE proname = %s", [RETENTION_FUNCTION])
        row = None
        if cursor.fetchone() is not None:
            cursor.execute(f"SELECT EXTRACT(DAY FROM {RETENTION_FUNCTION}())::int")  # noqa: S608
            row = cursor.fetchone()
        if row is None or row[0] != days:
            cursor.execute(retention_function_sql(days))


# --------------------------------------------------------------------------------------------
# The head, exported outside the database
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignedHead:
    """The head ``(seq, hash)`` at ``at``, signed with the journal key ``kid``."""

    seq: int
    hash: str
    at: dt.datetime
    kid: str
    signature: str

    @staticmethod
    def message(seq: int, hash_: str, at: dt.datetime, kid: str) -> bytes:
        return f"{seq}|{hash_}|{at.astimezone(dt.UTC).isoformat()}|{kid}".encode()

    @property
    def expect(self) -> str:
        """What ``verify_journal --expect`` takes."""
        return f"{self.seq}:{self.hash}"

    def line(self) -> str:
        return (
            f"{HEAD_PREFIX} expect={self.expect} at={self.at.astimezone(dt.UTC).isoformat()} "
            f"kid={self.kid} sig={self.signature}"
        )


_HEAD_LINE = re.compile(
    rf"{HEAD_PREFIX} expect=(?P<seq>[0-9]{{1,19}}):(?P<hash>[0-9a-f]{{64}}) "
    r"at=(?P<at>\S+) kid=(?P<kid>[A-Za-z0-9_.-]{1,32}) sig=(?P<sig>[0-9a-f]{64})"
)


def sign_head(seq: int, hash_: str, *, at: dt.datetime | None = None) -> SignedHead:
    at = (at or timezone.now()).replace(microsecond=0)
    kid = journal_keys.current_kid()
    signature = journal_keys.head_signature(kid, SignedHead.message(seq, hash_, at, kid))
    return SignedHead(seq=seq, hash=hash_, at=at, kid=kid, signature=signature)


def parse_head_line(line: str) -> SignedHead:
    """A head line read back (log, file, DPO page); raises ``ValueError`` if forged or garbled."""
    match = _HEAD_LINE.search(line)
    if match is None:
        raise ValueError("Ligne de tête du journal illisible.")
    try:
        at = dt.datetime.fromisoformat(match["at"])
    except ValueError:
        raise ValueError("Ligne de tête du journal : date illisible.") from None
    seq, hash_, kid = int(match["seq"]), match["hash"], match["kid"]
    try:
        expected = journal_keys.head_signature(kid, SignedHead.message(seq, hash_, at, kid))
    except ImproperlyConfigured as error:
        raise ValueError(str(error)) from None
    if not hmac.compare_digest(expected, match["sig"]):
        raise ValueError("Ligne de tête du journal : signature invalide (ligne modifiée).")
    return SignedHead(seq=seq, hash=hash_, at=at, kid=kid, signature=match["sig"])


def export_head() -> SignedHead:
    """Verify the chain, then log its head as a signed line (task ``rgpd.export_journal_head``).

    A broken chain is logged as an error and raises :class:`JournalBrokenError`: its head is
    never signed (that would vouch for the tampering).
    """
    report = verify_chain()
    if not report.ok:
        head_logger.error(
            "%s ROMPU seq=%s : %s", HEAD_PREFIX, report.broken_seq or "-", report.problem
        )
        raise JournalBrokenError(f"Journal rompu : {report.problem}.")
    head = sign_head(report.head_seq, report.head_hash)
    head_logger.info("%s", head.line())
    return head
