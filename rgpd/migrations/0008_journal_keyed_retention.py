"""The journal is keyed (``kid`` of the HMAC) and the trigger keeps entries for the retention.

Before: with the session setting ``mds.journal_rotation = 'on'``, the trigger let any entry
covered by a checkpoint be deleted — and anyone able to insert a checkpoint at the newest entry
could delete entries minutes old (issue 8). Now a deletion also needs the entry to be older than
``rgpd_journal_retention()``: an SQL function holding ``JOURNAL_RETENTION_MONTHS`` in days,
owned by the migrating role and rewritten by every ``migrate`` (``rgpd.journal.
sync_retention_guard``, post_migrate). The application role neither owns it nor the tables, so
it can neither replace it nor disable the trigger (docs/rgpd.md, « Rôle de base de données »).

Entries written before this migration (plain SHA-256 chain) are verified, then re-signed with
the newest key of ``JOURNAL_KEYS`` (HMAC, ``kid``), so that the verification can refuse every
unsigned entry from now on. A broken legacy chain stops the migration (it is never re-signed);
entries without ``JOURNAL_KEYS`` configured stop it too.
"""

import datetime as dt
import hashlib
import json

from django.conf import settings
from django.db import migrations, models

GENESIS_HASH = "0" * 64
COLUMNS = (
    "id, seq, created_at, actor_id, action, target_type, target_id, reason, mds_id, prev_hash, hash"
)

RETENTION = """
CREATE OR REPLACE FUNCTION rgpd_journal_retention() RETURNS interval
LANGUAGE sql STABLE AS $$ SELECT interval '{days} days' $$;
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


def _canonical(row: dict, kid: str) -> bytes:
    # Same form as rgpd.models.JournalEntry.canonical (v1 without kid, v2 with it), frozen here.
    data = {
        "v": 2 if kid else 1,
        "seq": row["seq"],
        "created_at": row["created_at"].astimezone(dt.UTC).isoformat(),
        "actor": row["actor_id"],
        "action": row["action"],
        "target_type": row["target_type"],
        "target_id": row["target_id"],
        "reason": row["reason"],
        "mds": row["mds_id"],
        "prev_hash": row["prev_hash"],
    }
    if kid:
        data["kid"] = kid
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def resign_legacy_entries(apps, schema_editor):
    """Verify the unsigned chain, then re-sign it under the current journal key."""
    from rgpd import journal_keys  # the key handling is not frozen: keys come from the env

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {COLUMNS} FROM rgpd_journalentry WHERE kid = '' ORDER BY seq"  # noqa: S608
        )
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
        if not rows:
            return
        cursor.execute("SELECT last_seq, last_hash FROM rgpd_journalcheckpoint ORDER BY last_seq")
        checkpoints = cursor.fetchall()
        seq, prev = checkpoints[-1] if checkpoints else (0, GENESIS_HASH)
        for row in rows:
            if (
                row["seq"] != seq + 1
                or row["prev_hash"] != prev
                or hashlib.sha256(_canonical(row, "")).hexdigest() != row["hash"]
            ):
                raise RuntimeError(
                    f"Journal d'audit rompu à l'entrée n° {row['seq']} : il n'est pas re-signé. "
                    "Examinez la rupture (python manage.py verify_journal) avant de migrer."
                )
            seq, prev = row["seq"], row["hash"]
        kid = journal_keys.current_kid()  # ImproperlyConfigured without JOURNAL_KEYS
        is_postgres = connection.vendor == "postgresql"
        if is_postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE rgpd_journalentry DISABLE TRIGGER rgpd_journalentry_no_update_delete"
            )
        prev = rows[0]["prev_hash"]
        for row in rows:
            row["prev_hash"] = prev
            new_hash = journal_keys.entry_mac(kid, _canonical(row, kid))
            cursor.execute(
                "UPDATE rgpd_journalentry SET kid = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [kid, prev, new_hash, row["id"]],
            )
            prev = new_hash
        if is_postgres:
            cursor.execute(
                "ALTER TABLE rgpd_journalentry ENABLE TRIGGER rgpd_journalentry_no_update_delete"
            )


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
        # Backwards: the re-signed entries stay signed (the column goes with the AddField).
        migrations.RunPython(resign_legacy_entries, migrations.RunPython.noop),
    ]
