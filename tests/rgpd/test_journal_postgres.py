"""The journal is append-only in the database itself (PostgreSQL trigger) and chains under load."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from rgpd import journal
from rgpd.models import JournalAction, JournalCheckpoint, JournalEntry

pytestmark = pytest.mark.django_db


def _entry() -> JournalEntry:
    return journal.record(
        actor=None, action=JournalAction.VIEW_PERSON, target_type="usager", target_id="1"
    )


def _refused(*statements: str, params: list[object] | None = None) -> None:
    """The last statement is refused by the trigger (the others prepare the session)."""
    # The savepoint keeps the test's transaction usable after the error.
    with (
        pytest.raises(DatabaseError, match="ajout seul"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        for sql in statements[:-1]:
            cursor.execute(sql)
        cursor.execute(statements[-1], params)


@pytest.mark.usefixtures("postgres_only")
def test_raw_update_of_an_entry_fails() -> None:
    entry = _entry()
    _refused("UPDATE rgpd_journalentry SET target_id = '2' WHERE id = %s", params=[entry.pk])
    assert JournalEntry.objects.get().target_id == "1"


@pytest.mark.usefixtures("postgres_only")
def test_raw_delete_of_an_entry_fails() -> None:
    entry = _entry()
    _refused("DELETE FROM rgpd_journalentry WHERE id = %s", params=[entry.pk])
    assert JournalEntry.objects.count() == 1


def _check_deferred_constraints() -> None:
    # TRUNCATE refuses while deferred FK checks are pending (the test inserted in its transaction).
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.usefixtures("postgres_only")
def test_truncate_of_a_non_empty_journal_fails() -> None:
    _entry()
    _check_deferred_constraints()
    _refused("TRUNCATE rgpd_journalentry")
    assert JournalEntry.objects.count() == 1


@pytest.mark.usefixtures("postgres_only")
def test_update_and_delete_fail_for_a_non_superuser_application_role() -> None:
    entry = _entry()
    _check_deferred_constraints()
    role = f"mds_app_probe_{uuid.uuid4().hex[:8]}"  # rolled back with the test's transaction
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOSUPERUSER NOLOGIN")
        cursor.execute(f"GRANT SELECT, UPDATE, DELETE, TRUNCATE ON rgpd_journalentry TO {role}")
        cursor.execute(f"GRANT SELECT ON rgpd_journalcheckpoint TO {role}")
    for sql in (
        "UPDATE rgpd_journalentry SET target_id = '2'",
        "DELETE FROM rgpd_journalentry",
        "TRUNCATE rgpd_journalentry",
    ):
        _refused(f"SET LOCAL ROLE {role}", sql)
    assert JournalEntry.objects.get().pk == entry.pk


@pytest.mark.usefixtures("postgres_only")
def test_the_rotation_setting_alone_does_not_allow_deleting_uncovered_entries() -> None:
    _entry()
    _refused(f"SET LOCAL {journal.ROTATION_SETTING} = 'on'", "DELETE FROM rgpd_journalentry")
    assert JournalEntry.objects.count() == 1


@pytest.mark.usefixtures("postgres_only")
def test_the_rotation_setting_never_allows_an_update() -> None:
    entry = _entry()
    JournalCheckpoint.objects.create(
        before=timezone.now(), last_seq=entry.seq, last_hash=entry.hash, removed_count=1
    )
    _refused(
        f"SET LOCAL {journal.ROTATION_SETTING} = 'on'",
        "UPDATE rgpd_journalentry SET target_id = '2'",
    )


@pytest.mark.usefixtures("postgres_only")
def test_checkpoints_cannot_be_updated_or_deleted_in_the_database() -> None:
    JournalCheckpoint.objects.create(
        before=timezone.now(), last_seq=1, last_hash="a" * 64, removed_count=1
    )
    _refused("UPDATE rgpd_journalcheckpoint SET last_seq = 0")
    _refused("DELETE FROM rgpd_journalcheckpoint")


@pytest.mark.usefixtures("postgres_only")
def test_sanctioned_rotation_passes_the_trigger() -> None:
    with time_machine.travel(timezone.now() - dt.timedelta(days=400), tick=True):
        _entry()
    assert journal.rotate_journal(before=journal.retention_cutoff()) is not None
    assert journal.verify_chain().ok
    # The permission ended with the rotation: a plain DELETE is refused again.
    _refused("DELETE FROM rgpd_journalentry")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Les écritures concurrentes sont sérialisées par un verrou consultatif PostgreSQL.",
)
@pytest.mark.usefixtures("journal_db")
def test_concurrent_writers_keep_an_unbroken_chain() -> None:
    threads_count, per_thread = 8, 15
    barrier = threading.Barrier(threads_count)
    errors: list[BaseException] = []

    def write() -> None:
        try:
            barrier.wait()
            for n in range(per_thread):
                with transaction.atomic():
                    journal.record(
                        actor=None,
                        action=JournalAction.VIEW_PERSON,
                        target_type="usager",
                        target_id=str(n),
                    )
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    report = journal.verify_chain()
    assert report.ok, report.problem
    assert report.count == threads_count * per_thread
    seqs = list(JournalEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, threads_count * per_thread + 1))
