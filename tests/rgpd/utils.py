"""Test helpers around the append-only journal (test databases only)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

TRIGGERS = {
    "rgpd_journalentry": "rgpd_journalentry_no_update_delete",
    "rgpd_journalcheckpoint": "rgpd_journalcheckpoint_no_update_delete",
}


@contextmanager
def journal_trigger_disabled() -> Iterator[None]:
    """Bypass the append-only trigger as the superuser/owner does (the tamperer of the tests).

    ALTER TABLE is transactional on PostgreSQL: the trigger is back on when the block ends.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE refuses while deferred FK checks of this transaction are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, trigger in TRIGGERS.items():
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        yield
        if connection.vendor == "postgresql":
            for table, trigger in TRIGGERS.items():
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")


def clear_journal() -> None:
    """Empty the journal so that Django's flush (TRUNCATE) after a transactional test works."""
    with journal_trigger_disabled(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM rgpd_journalentry")
        cursor.execute("DELETE FROM rgpd_journalcheckpoint")


def reauthenticate(client: object, user: object) -> None:
    """Mark the test client's session as recently re-authenticated (as allauth's page does)."""
    import time

    session = client.session  # type: ignore[attr-defined]
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(user.pk)  # type: ignore[attr-defined]
    session.save()
