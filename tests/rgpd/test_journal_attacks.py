"""Issue 8: the attacks that made recent journal entries disappear while verify_journal said OK.

Each test plays the attack as the issue describes it, then asserts that the database refuses it
or that the verification (with the exported head, or without the HMAC key) detects it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from rgpd import journal
from rgpd.models import JournalAction, JournalCheckpoint, JournalEntry, JournalReason
from tests.rgpd.utils import journal_trigger_disabled

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("postgres_only")]


def _entries(n: int) -> list[JournalEntry]:
    return [
        journal.record(
            actor=None,
            action=JournalAction.REVEAL_REFUSED,
            target_type="credential",
            target_id=str(i),
            reason=JournalReason.REFUSED_NO_REAUTH,
        )
        for i in range(n)
    ]


def _verify(*args: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("verify_journal", *args, stdout=out)
    except CommandError as error:
        return 1, str(error)
    return 0, out.getvalue()


def _hide_behind_checkpoint(newest: JournalEntry, before: dt.datetime) -> None:
    """The issue's sequence: checkpoint at the newest entry, rotation setting, delete."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO rgpd_journalcheckpoint (created_at, before, last_seq, last_hash, "
            "removed_count) VALUES (now(), %s, %s, %s, %s)",
            [before, newest.seq, newest.hash, newest.seq],
        )
        cursor.execute(f"SET LOCAL {journal.ROTATION_SETTING} = 'on'")
        cursor.execute("DELETE FROM rgpd_journalentry WHERE seq <= %s", [newest.seq])
        cursor.execute(f"SET LOCAL {journal.ROTATION_SETTING} = 'off'")


def _journal_rotation_of_latest_checkpoint() -> None:
    checkpoint = JournalCheckpoint.objects.order_by("-last_seq").first()
    assert checkpoint is not None
    journal.record(
        actor=None,
        action=JournalAction.ROTATE_JOURNAL,
        target_type="journal_checkpoint",
        target_id=checkpoint.pk,
        reason=JournalReason.RETENTION_POLICY,
    )


def test_hiding_recent_entries_behind_a_checkpoint_is_refused_by_the_database() -> None:
    entries = _entries(4)
    with pytest.raises(DatabaseError, match="conservation"), transaction.atomic():
        _hide_behind_checkpoint(entries[-1], before=timezone.now())
        _journal_rotation_of_latest_checkpoint()
    assert JournalEntry.objects.count() == 4
    assert not JournalCheckpoint.objects.exists()
    assert _verify()[0] == 0


def test_even_a_checkpoint_dated_long_ago_does_not_let_young_entries_go() -> None:
    entries = _entries(2)
    with pytest.raises(DatabaseError, match="conservation"), transaction.atomic():
        _hide_behind_checkpoint(entries[-1], before=timezone.now() - dt.timedelta(days=800))
    assert JournalEntry.objects.count() == 2


def test_old_entries_behind_a_checkpoint_can_still_be_rotated_by_the_trigger() -> None:
    with time_machine.travel(timezone.now() - dt.timedelta(days=400), tick=True):
        old = _entries(2)
    _entries(1)
    with transaction.atomic():
        _hide_behind_checkpoint(old[-1], before=journal.retention_cutoff())
    assert JournalEntry.objects.count() == 1


def test_a_checkpoint_cutting_inside_the_retention_fails_verification() -> None:
    # A superuser with the trigger disabled and the journal key replays the attack to the end.
    entries = _entries(5)
    with journal_trigger_disabled():
        _hide_behind_checkpoint(entries[-1], before=timezone.now())
    _journal_rotation_of_latest_checkpoint()
    code, message = _verify()
    assert code == 1
    assert "coupe dans la durée de conservation" in message


def test_an_exported_head_rotated_away_proves_nothing_and_is_refused() -> None:
    entries = _entries(3)
    head = journal.export_head()
    with journal_trigger_disabled():
        # Backdated checkpoint: passes the retention rule, not the exported head.
        _hide_behind_checkpoint(entries[-1], before=timezone.now() - dt.timedelta(days=800))
    _journal_rotation_of_latest_checkpoint()
    code, message = _verify("--expect", head.expect)
    assert code == 1 and "retirée par une rotation" in message


def test_deleting_the_newest_entries_is_detected_with_the_exported_head() -> None:
    entries = _entries(5)
    head = journal.export_head()
    with journal_trigger_disabled(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM rgpd_journalentry WHERE seq >= %s", [entries[3].seq])
    # Without a head kept outside, the shortened chain is still a valid chain...
    assert _verify()[0] == 0
    # ...with the head exported earlier (signed line or SEQ:HASH), the loss shows.
    for expect in (head.expect, head.line()):
        code, message = _verify("--expect", expect)
        assert code == 1
        assert f"tête exportée n° {entries[-1].seq} n'existe plus" in message


def _rewrite_from(entries: list[JournalEntry], index: int, sign: object) -> None:
    """Change entries[index]'s target and re-chain every later entry with ``sign(entry)``."""
    with journal_trigger_disabled(), connection.cursor() as cursor:
        prev = entries[index].prev_hash
        for position, original in enumerate(entries[index:]):
            entry = JournalEntry.objects.get(pk=original.pk)
            if position == 0:
                entry.target_id = "999"
            entry.prev_hash = prev
            kid, hash_ = sign(entry)  # type: ignore[operator]
            cursor.execute(
                "UPDATE rgpd_journalentry SET target_id = %s, prev_hash = %s, kid = %s, "
                "hash = %s WHERE id = %s",
                [entry.target_id, prev, kid, hash_, entry.pk],
            )
            prev = hash_


def _unkeyed(entry: JournalEntry) -> tuple[str, str]:
    entry.kid = ""
    return "", hashlib.sha256(entry.canonical()).hexdigest()


def _guessed_key(entry: JournalEntry) -> tuple[str, str]:
    mac = hmac.new(b"g" * 32, b"mds-journal/v2/entry|" + entry.canonical(), hashlib.sha256)
    return entry.kid, mac.hexdigest()


def _with_the_key(entry: JournalEntry) -> tuple[str, str]:
    return entry.kid, entry.compute_hash()


@pytest.mark.parametrize(
    ("sign", "problem"),
    [(_unkeyed, "non signée"), (_guessed_key, "modifiée")],
    ids=["plain-sha256", "guessed-key"],
)
def test_rewriting_history_without_the_key_is_detected(sign: object, problem: str) -> None:
    entries = _entries(5)
    _rewrite_from(entries, 1, sign)
    code, message = _verify()
    assert code == 1
    assert f"id={entries[1].pk}" in message and problem in message


def test_rewriting_history_with_the_key_is_detected_by_the_exported_head() -> None:
    entries = _entries(5)
    head = journal.export_head()
    _rewrite_from(entries, 1, _with_the_key)
    assert _verify()[0] == 0  # the key holder can re-sign: only the head outside can tell
    code, message = _verify("--expect", head.expect)
    assert code == 1
    assert f"id={entries[-1].pk}" in message and "tête exportée" in message


def test_an_intact_journal_verifies_against_its_exported_head_and_later_entries() -> None:
    _entries(3)
    head = journal.export_head()
    _entries(2)
    code, output = _verify("--expect", head.line())
    assert code == 0
    assert f"Tête exportée n° {head.seq} retrouvée" in output and "OK : 5 entrée(s)" in output
