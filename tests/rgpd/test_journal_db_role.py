"""Production's application role (neither superuser nor owner) cannot get around the journal guard.

The role is created inside the test's transaction, on the test database, with the rights that
docker/postgres/init-roles.sh gives ``mds_app`` (DML on every table, sequences): it is rolled
back with the test.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from rgpd import journal
from rgpd.models import JournalAction, JournalCheckpoint, JournalEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("postgres_only")]

INSUFFICIENT_PRIVILEGE = "42501"


@pytest.fixture
def app_role() -> str:
    role = f"mds_app_test_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        # ALTER/GRANT refuse while deferred FK checks of this transaction are pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"CREATE ROLE {role} NOSUPERUSER NOCREATEDB NOCREATEROLE NOLOGIN")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}"
        )
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
    return role


def _entry() -> JournalEntry:
    return journal.record(
        actor=None, action=JournalAction.VIEW_PERSON, target_type="usager", target_id="1"
    )


def _refused_as(role: str, *statements: str) -> DatabaseError:
    """Run ``statements`` as ``role``; the last one must be refused for lack of privilege."""
    with (
        pytest.raises(DatabaseError) as caught,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"SET LOCAL ROLE {role}")
        for sql in statements:
            cursor.execute(sql)
    assert caught.value.__cause__ is not None
    assert getattr(caught.value.__cause__, "pgcode", None) == INSUFFICIENT_PRIVILEGE, caught.value
    return caught.value


@pytest.fixture
def as_role(app_role: str) -> Iterator[None]:
    """Run the test's own code as the application role (back to the test's role after)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {app_role}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


@pytest.mark.parametrize(
    "sql",
    [
        "ALTER TABLE rgpd_journalentry DISABLE TRIGGER rgpd_journalentry_no_update_delete",
        "ALTER TABLE rgpd_journalentry DISABLE TRIGGER ALL",
        "DROP TRIGGER rgpd_journalentry_no_update_delete ON rgpd_journalentry",
        "ALTER TABLE rgpd_journalcheckpoint DISABLE TRIGGER USER",
        "SET session_replication_role = replica",
        "CREATE OR REPLACE FUNCTION rgpd_journal_retention() RETURNS interval "
        "LANGUAGE sql IMMUTABLE AS $$ SELECT interval '0 days' $$",
        "CREATE OR REPLACE FUNCTION rgpd_journal_append_only() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$",
        "DROP FUNCTION rgpd_journal_retention() CASCADE",
        "TRUNCATE rgpd_journalentry",
    ],
    ids=[
        "disable-trigger",
        "disable-all-triggers",
        "drop-trigger",
        "disable-checkpoint-triggers",
        "replication-role",
        "replace-retention",
        "replace-guard",
        "drop-retention",
        "truncate",
    ],
)
def test_the_application_role_cannot_switch_the_guard_off(app_role: str, sql: str) -> None:
    _entry()
    _refused_as(app_role, sql)
    assert JournalEntry.objects.count() == 1


def test_the_application_role_cannot_delete_young_entries_behind_a_checkpoint(
    app_role: str,
) -> None:
    entry = _entry()
    error = _refused_as(
        app_role,
        "INSERT INTO rgpd_journalcheckpoint (created_at, before, last_seq, last_hash, "  # noqa: S608
        f"removed_count) VALUES (now(), now(), {entry.seq}, '{entry.hash}', 1)",
        f"SET LOCAL {journal.ROTATION_SETTING} = 'on'",
        "DELETE FROM rgpd_journalentry",
    )
    assert "conservation" in str(error)
    assert JournalEntry.objects.count() == 1 and not JournalCheckpoint.objects.exists()


@pytest.mark.usefixtures("as_role")
def test_the_application_role_runs_the_sanctioned_rotation() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False,)
    with time_machine.travel(timezone.now() - dt.timedelta(days=400), tick=True):
        _entry()
    kept = _entry()
    checkpoint = journal.rotate_by_policy()
    assert checkpoint is not None and checkpoint.removed_count == 1
    assert JournalEntry.objects.filter(pk=kept.pk).exists()
    assert journal.verify_chain().ok
