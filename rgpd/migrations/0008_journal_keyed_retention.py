"""The journal is keyed (``kid`` of the HMAC) and the trigger keeps entries for the retention.

Before: with the session setting ``mds.journal_rotation = 'on'``, the trigger let any entry
covered by a checkpoint be deleted — and anyone able to insert a checkpoint at the newest entry
could delete entries minutes old (issue 8). Now a deletion also needs the entry to be older than
``rgpd_journal_retention()``: an SQL function holding ``JOURNAL_RETENTION_MONTHS`` in days,
owned by the migrating role and rewritten by every ``migrate`` (``rgpd.journal.
sync_retention_guard``, post_migrate). The application role neither owns it nor the tables, so
it can neither replace it nor disable the trigger (docs/rgpd.md, « Rôle de base de données »).
"""

from django.conf import settings
from django.db import migrations, models

RETENTION = """
CREATE OR REPLACE FUNCTION rgpd_journal_retention() RETURNS interval
LANGUAGE sql IMMUTABLE AS $$ SELECT interval '{days} days' $$;
"""

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
            -- The entry's own date, not only the checkpoint: nothing younger than the retention.
            IF OLD.created_at < now() - rgpd_journal_retention() THEN
                RETURN OLD;
            END IF;
            RAISE EXCEPTION
                'Le journal d''audit est en ajout seul : entrée n° % du % dans la conservation (%).',
                OLD.seq, OLD.created_at, rgpd_journal_retention()
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RAISE EXCEPTION 'Le journal d''audit est en ajout seul : % refusé sur %.', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""

# 0002's function, restored when migrating backwards.
OLD_FUNCTION = r"""
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
        IF OLD.seq <= COALESCE((SELECT max(last_seq) FROM rgpd_journalcheckpoint), 0) THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'Le journal d''audit est en ajout seul : % refusé sur %.', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    months = int(getattr(settings, "JOURNAL_RETENTION_MONTHS", 12))
    schema_editor.execute(RETENTION.format(days=round(months * 30.5)), params=None)
    schema_editor.execute(FUNCTION, params=None)  # raw: % is plpgsql here


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(OLD_FUNCTION, params=None)
    schema_editor.execute("DROP FUNCTION IF EXISTS rgpd_journal_retention();")


class Migration(migrations.Migration):
    dependencies = [("rgpd", "0007_reference_item")]

    operations = [
        migrations.AddField(
            model_name="journalentry",
            name="kid",
            field=models.CharField(
                blank=True, editable=False, max_length=32, verbose_name="clé de signature"
            ),
        ),
        migrations.RunPython(install, uninstall),
    ]
