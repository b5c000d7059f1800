"""PostgreSQL guard: the audit journal and its checkpoints are append-only at the database level.

UPDATE is always refused. DELETE is refused except for the sanctioned rotation
(rgpd.journal.rotate_journal): the transaction must ``SET LOCAL mds.journal_rotation = 'on'``
and the rows must be covered by a checkpoint. TRUNCATE is refused unless the table is already
empty, so that Django's flush between transactional tests works when they wrote no entry (tests
that do write entries clear them first: tests/rgpd/utils.py ``clear_journal``).
These triggers stop mistakes and the application role; the production role must also not be
a superuser nor own the tables (a superuser can disable triggers).

Other databases (SQLite for ``make run`` without services) keep only the Python guards.
"""

from django.db import migrations

FUNCTION = r"""
CREATE OR REPLACE FUNCTION rgpd_journal_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    non_empty boolean;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', TG_TABLE_SCHEMA, TG_TABLE_NAME)
            INTO non_empty;
        IF NOT non_empty THEN
            RETURN NULL;
        END IF;
    ELSIF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'rgpd_journalentry'
          AND current_setting('mds.journal_rotation', true) = 'on' THEN
        -- Nested: PL/pgSQL does not promise to short-circuit AND (OLD.seq exists only here).
        IF OLD.seq <= COALESCE((SELECT max(last_seq) FROM rgpd_journalcheckpoint), 0) THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'Le journal d''audit est en ajout seul : % refusé sur %.', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""

TRIGGERS = [
    "CREATE TRIGGER {t}_no_update_delete BEFORE UPDATE OR DELETE ON {t} "
    "FOR EACH ROW EXECUTE FUNCTION rgpd_journal_append_only();",
    "CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t} "
    "FOR EACH STATEMENT EXECUTE FUNCTION rgpd_journal_append_only();",
]
TABLES = ("rgpd_journalentry", "rgpd_journalcheckpoint")


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)  # raw: % is plpgsql here
    for table in TABLES:
        for trigger in TRIGGERS:
            schema_editor.execute(trigger.format(t=table))


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update_delete ON {table};")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};")
    schema_editor.execute("DROP FUNCTION IF EXISTS rgpd_journal_append_only();")


class Migration(migrations.Migration):
    dependencies = [("rgpd", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
