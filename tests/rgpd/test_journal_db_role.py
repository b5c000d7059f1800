"""Production's application role (neither superuser nor owner) cannot get around the journal guard.

The role is created inside the test's transaction, on the test database, with the rights that
docker/postgres/init-roles.sh gives ``mds_app`` (DML on every table, sequences): it is rolled
back with the test.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg2
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


# --- the documented deployment: docker/postgres/init-roles.sh, migrate as owner, run as app ----

ROOT = Path(__file__).resolve().parents[2]


def _admin_dsn(dbname: str) -> str:
    db = connection.settings_dict
    return (
        f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} "
        f"dbname={dbname}" + (f" password={db['PASSWORD']}" if db["PASSWORD"] else "")
    )


@pytest.fixture
def scratch_deployment() -> Iterator[dict[str, str]]:
    """A new database initialised by the init script, with unique role names (all dropped)."""
    suffix = uuid.uuid4().hex[:8]
    names = {
        "db": f"mds_roles_{suffix}",
        "owner": f"mds_owner_{suffix}",
        "app": f"mds_app_{suffix}",
    }
    admin = psycopg2.connect(_admin_dsn("postgres"))
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{names["db"]}"')
        yield names
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{names["db"]}" WITH (FORCE)')
            for role in (names["app"], names["owner"]):
                cursor.execute(f'DROP ROLE IF EXISTS "{role}"')
        admin.close()


@pytest.mark.skipif(shutil.which("psql") is None, reason="psql (client PostgreSQL) absent")
@pytest.mark.usefixtures("postgres_only")
def test_the_documented_roles_migrate_as_owner_and_run_as_an_app_role_that_cannot_cheat(
    scratch_deployment: dict[str, str],
) -> None:
    names = scratch_deployment
    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", str(db["PORT"] or 5432)
    env = {
        **os.environ,
        "PGHOST": host,
        "PGPORT": port,
        "PGPASSWORD": db["PASSWORD"] or "",
        "POSTGRES_USER": db["USER"],
        "POSTGRES_DB": names["db"],
        "MDS_OWNER_ROLE": names["owner"],
        "MDS_APP_ROLE": names["app"],
        "MDS_OWNER_PASSWORD": "owner-pw",
        "MDS_APP_PASSWORD": "app-pw",
    }
    init = subprocess.run(
        ["sh", str(ROOT / "docker/postgres/init-roles.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert init.returncode == 0, init.stderr
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "mds.settings.test",
            "DATABASE_URL": f"postgres://{names['owner']}:owner-pw@{host}:{port}/{names['db']}",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert migrate.returncode == 0, migrate.stderr
    app = psycopg2.connect(
        f"host={host} port={port} user={names['app']} password=app-pw dbname={names['db']}"
    )
    try:
        with app.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            assert cursor.fetchone() == (False,)
            cursor.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'rgpd_journalentry'")
            assert cursor.fetchone() == (names["owner"],)
            # The application works: it writes and reads its tables.
            cursor.execute(
                "INSERT INTO django_session (session_key, session_data, expire_date) "
                "VALUES ('k', 'd', now())"
            )
            cursor.execute("SELECT count(*) FROM rgpd_journalentry")
            # Tables of the later apps (outbox, purge runs, receipts, beat schedule, referrals)
            # are the owner's, created by `migrate`: the default privileges grant them too.
            cursor.execute(
                "INSERT INTO django_celery_beat_intervalschedule (every, period) "
                "VALUES (15, 'minutes')"
            )
            cursor.execute(
                "INSERT INTO mds_purgerun (category, started_at, count, batches, dry_run, error) "
                "VALUES ('probe', now(), 0, 0, false, '')"
            )
            for table in ("mds_outboxmessage", "notifications_receipt", "orientations_referral"):
                cursor.execute(f"UPDATE {table} SET id = id WHERE false")  # noqa: S608
                cursor.execute(f"DELETE FROM {table} WHERE false")  # noqa: S608
            # ... and every other table and sequence, whichever app made it
            public = (
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND "
            )
            cursor.execute(
                f"SELECT c.relname {public} c.relkind IN ('r', 'p') AND NOT ("
                " has_table_privilege(c.oid, 'SELECT') AND has_table_privilege(c.oid, 'INSERT')"
                " AND has_table_privilege(c.oid, 'UPDATE')"
                " AND has_table_privilege(c.oid, 'DELETE'))"
            )
            assert cursor.fetchall() == []
            cursor.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename IN "
                "('mds_outboxmessage', 'notifications_receipt', 'django_celery_beat_periodictask',"
                " 'orientations_referral', 'mds_purgerun')"
            )
            assert cursor.fetchone() == (5,)
            cursor.execute(
                # CASE: the planner may test the privilege before the kind
                f"SELECT c.relname {public} "
                "CASE WHEN c.relkind = 'S' THEN NOT has_sequence_privilege(c.oid, 'USAGE') END"
            )
            assert cursor.fetchall() == []
            # ... but none of them is the app role's: it can alter or drop none
            cursor.execute("SELECT count(*) FROM pg_tables WHERE tableowner = current_user")
            assert cursor.fetchone() == (0,)
        app.commit()
        for sql in (
            "ALTER TABLE rgpd_journalentry DISABLE TRIGGER ALL",
            "SET session_replication_role = replica",
            "CREATE OR REPLACE FUNCTION rgpd_journal_retention() RETURNS interval "
            "LANGUAGE sql AS $$ SELECT interval '0 days' $$",
            "TRUNCATE rgpd_journalentry",
            "DROP TABLE mds_outboxmessage",
            "TRUNCATE notifications_receipt",
        ):
            with pytest.raises(psycopg2.Error) as caught, app.cursor() as cursor:
                cursor.execute(sql)
            assert caught.value.pgcode == INSUFFICIENT_PRIVILEGE, sql
            app.rollback()
    finally:
        app.close()
