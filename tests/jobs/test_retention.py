"""Retention purges (``run_retention``): each rule keeps what is just inside its window, purges
what is just outside, touches no other table, runs in batches, survives being killed."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db.models import Model
from django.utils import timezone

from accompagnement.models import MediationSession, Usager
from accueil.models import Passage, PassageEvent
from mds.jobs import purges
from mds.models import MDS, OutboxMessage, PurgeRun
from notifications.models import Contact, Kind, Receipt
from notifications.purges import months_before, receipt_retention_months, usager_inactivity_months
from rgpd import journal
from rgpd.models import Consent, JournalAction, JournalEntry, JournalReason, Secret
from tests.accompagnement.factories import MediationSessionFactory
from tests.accueil.factories import PassageFactory
from tests.notifications.factories import person
from tests.rgpd.factories import make_credential

NOW = dt.datetime(2026, 11, 24, 2, 30, tzinfo=dt.UTC)
TABLES: tuple[type[Model], ...] = (
    Passage,
    PassageEvent,
    Usager,
    MediationSession,
    Receipt,
    Contact,
    Secret,
    Consent,
    OutboxMessage,
)


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in TABLES}


def run(category: str, **kwargs: Any) -> purges.Outcome:
    [outcome] = purges.run_all(now=NOW, only=[category], **kwargs)
    return outcome


@pytest.mark.django_db
def test_passage_first_names_go_the_day_after_the_day_close(mds_a: MDS) -> None:
    today = timezone.localdate(NOW)
    kept = PassageFactory(mds=mds_a, alias="Amina", day=today - dt.timedelta(days=1))
    purged = PassageFactory(mds=mds_a, alias="Karim", day=today - dt.timedelta(days=2))
    before = counts()
    outcome = run("passage_aliases")
    assert outcome.count == 1
    kept.refresh_from_db()
    purged.refresh_from_db()
    assert (kept.alias, purged.alias) == ("Amina", "")
    assert purged.motive_id and purged.ticket_number  # the anonymous statistics stay
    assert counts() == before
    assert run("passage_aliases").count == 0  # rerun: same end state


@pytest.mark.django_db
def test_usagers_without_contact_for_the_retention_period_are_anonymised_sessions_kept(
    mds_a: MDS,
) -> None:
    cutoff = timezone.localdate(months_before(NOW, usager_inactivity_months()))
    with time_machine.travel(NOW - dt.timedelta(days=2000), tick=False):
        inside = person(mds_a)
        outside = person(mds_a)
        new_but_old_profile = person(mds_a)
    MediationSessionFactory(mds=mds_a, usager=inside, date=cutoff, file_number="D-1")
    MediationSessionFactory(
        mds=mds_a, usager=outside, date=cutoff - dt.timedelta(days=1), file_number="D-2"
    )
    MediationSessionFactory(mds=mds_a, usager=new_but_old_profile, date=NOW.date())
    before = counts()
    assert run("inactive_usagers", dry_run=True).count == 1
    assert counts() == before
    assert run("inactive_usagers").count == 1
    outside.refresh_from_db()
    inside.refresh_from_db()
    assert outside.display_name == "" and inside.display_name == "Amina"
    assert MediationSession.objects.get(usager=outside).file_number == ""
    assert MediationSession.objects.filter(usager=outside).count() == 1  # statistics kept
    assert not Contact.objects.filter(usager=outside).exists()
    assert Contact.objects.filter(usager=inside).exists()
    assert counts() == {**before, "Contact": before["Contact"] - 1}
    assert run("inactive_usagers").count == 0


@pytest.mark.django_db
def test_usagers_are_kept_24_months_after_their_last_contact_and_anonymised_the_day_after(
    mds_a: MDS,
) -> None:
    # NOW is 2026-11-24 (Paris): 24 months back is 2024-11-24, the last day kept; 23rd purged
    assert usager_inactivity_months() == 24
    with time_machine.travel(dt.datetime(2024, 11, 24, 10, tzinfo=dt.UTC), tick=False):
        profile_just_inside = person(mds_a)
    with time_machine.travel(dt.datetime(2024, 11, 23, 10, tzinfo=dt.UTC), tick=False):
        profile_just_outside = person(mds_a)
        session_just_inside = person(mds_a)
        session_just_outside = person(mds_a)
    MediationSessionFactory(mds=mds_a, usager=session_just_inside, date=dt.date(2024, 11, 24))
    MediationSessionFactory(
        mds=mds_a, usager=session_just_outside, date=dt.date(2024, 11, 23), file_number="D-9"
    )
    before = counts()
    assert run("inactive_usagers").count == 2  # one batch, both people
    for usager, name in (
        (profile_just_inside, "Amina"),
        (session_just_inside, "Amina"),
        (profile_just_outside, ""),
        (session_just_outside, ""),
    ):
        usager.refresh_from_db()
        assert usager.display_name == name
    assert MediationSession.objects.get(usager=session_just_outside).file_number == ""
    assert counts() == {**before, "Contact": before["Contact"] - 2}


@pytest.mark.django_db
def test_the_usager_retention_follows_its_setting(mds_a: MDS, settings: Any) -> None:
    with time_machine.travel(dt.datetime(2024, 6, 1, 10, tzinfo=dt.UTC), tick=False):
        usager = person(mds_a)
    settings.USAGER_RETENTION_MONTHS = 36
    assert run("inactive_usagers").count == 0
    settings.USAGER_RETENTION_MONTHS = 12
    assert run("inactive_usagers").count == 1
    usager.refresh_from_db()
    assert usager.display_name == ""


@pytest.mark.django_db
def test_receipts_past_their_retention_are_anonymised(mds_a: MDS) -> None:
    from notifications import services

    usager = person(mds_a)
    cutoff = months_before(NOW, receipt_retention_months())
    for key, moment in (
        ("in", cutoff + dt.timedelta(hours=1)),
        ("out", cutoff - dt.timedelta(hours=1)),
    ):
        with time_machine.travel(moment, tick=False):
            services.notify(
                kind=Kind.APPOINTMENT,
                dedup_key=key,
                context={"date": "1/1", "mds": "A"},
                usager=usager,
                mds=mds_a,
            )
    Receipt.objects.update(to_masked="+33…78")
    before = counts()
    assert run("receipts").count == 1
    kept, purged = Receipt.objects.get(dedup_key="in"), Receipt.objects.get(dedup_key="out")
    assert (kept.usager_id, kept.to_masked) == (usager.pk, "+33…78")
    assert (purged.usager_id, purged.to_masked, purged.context) == (None, "", {})
    assert purged.status and purged.kind == Kind.APPOINTMENT  # counts by status stay possible
    assert counts() == before


@pytest.mark.django_db
def test_expired_vault_secrets_are_shredded_and_fresh_ones_kept(mds_a: MDS) -> None:
    usager = person(mds_a)
    with time_machine.travel(NOW - dt.timedelta(days=2), tick=False):
        expired = make_credential(usager, expires_at=NOW - dt.timedelta(seconds=1))
        fresh = make_credential(usager, expires_at=NOW + dt.timedelta(seconds=1))
    before = counts()
    assert run("vault_secrets", dry_run=True).count == 1
    assert run("vault_secrets").count == 1
    expired.secret.refresh_from_db()
    fresh.secret.refresh_from_db()
    assert expired.secret.is_shredded and bytes(expired.secret.payload) == b""
    assert not fresh.secret.is_shredded
    assert counts() == before


@pytest.mark.django_db(transaction=True)
def test_a_purge_killed_mid_run_reaches_the_same_end_state_on_rerun(mds_a: MDS) -> None:
    usager = person(mds_a)
    with time_machine.travel(NOW - dt.timedelta(days=2), tick=False):
        items = [make_credential(usager, expires_at=NOW - dt.timedelta(hours=1)) for _ in range(5)]
    vault = next(p for p in purges.registered() if p.category == "vault_secrets")
    calls = 0

    def dies_after_two_batches(now: dt.datetime, size: int, after: int) -> tuple[int, int | None]:
        nonlocal calls
        calls += 1
        if calls > 2:
            raise SystemError("worker killed")
        return vault.run_batch(now, size, after)

    killed = purges.run_one(
        purges.Purge(vault.category, vault.label, dies_after_two_batches, vault.count_due),
        now=NOW,
        batch_size=1,
    )
    assert killed.error == "SystemError"
    assert 0 < killed.count < 5
    # what the killed run did is committed, whole batches only
    assert Secret.objects.filter(destroyed_at__isnull=False).count() == killed.count
    assert run("vault_secrets", batch_size=1).count == 5 - killed.count
    for item in items:
        item.secret.refresh_from_db()
        # no orphaned ciphertext nor wrapped key
        assert item.secret.destroyed_at is not None
        assert bytes(item.secret.payload) == b"" and bytes(item.secret.vault_key) == b""
    assert run("vault_secrets").count == 0


@pytest.mark.django_db
def test_run_retention_prints_counts_journals_them_and_records_the_runs(mds_a: MDS) -> None:
    today = timezone.localdate()
    PassageFactory.create_batch(3, mds=mds_a, alias="Amina", day=today - dt.timedelta(days=5))
    out = StringIO()
    call_command("run_retention", "--dry-run", stdout=out)
    assert (
        "passage_aliases (Prénoms des passages (lendemain de la clôture)) : 3 à traiter"
        in out.getvalue()
    )
    assert Passage.objects.filter(alias="Amina").count() == 3
    out = StringIO()
    call_command("run_retention", "--batch-size", "2", stdout=out)
    assert (
        "passage_aliases (Prénoms des passages (lendemain de la clôture)) : 3 traité(s)"
        in out.getvalue()
    )
    assert not Passage.objects.filter(alias="Amina").exists()
    run_row = PurgeRun.objects.filter(category="passage_aliases", dry_run=False).get()
    assert (run_row.count, run_row.batches, run_row.error) == (3, 3, "")
    entry = JournalEntry.objects.get(action=JournalAction.RETENTION_PURGE)
    assert (entry.target_type, entry.target_id) == ("passage_aliases", "3")
    assert entry.actor_id is None and entry.reason == JournalReason.RETENTION_POLICY
    assert journal.verify_chain().ok
    assert "Amina" not in str(JournalEntry.objects.values_list())


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_scheduled_retention_task_runs_on_a_worker(
    celery_worker: str | None, mds_a: MDS
) -> None:
    from mds.tasks import run_retention

    PassageFactory(mds=mds_a, alias="Amina", day=timezone.localdate() - dt.timedelta(days=3))
    result = run_retention.delay().get(timeout=60)
    assert result["passage_aliases"] == 1
    assert not Passage.objects.filter(alias="Amina").exists()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_purge_process_killed_mid_run_then_rerun_leaves_no_orphaned_secret(
    mds_a: MDS,
) -> None:
    """A real process (``run_retention``) SIGKILLed in the middle, as a worker would be."""
    import os
    import signal
    import subprocess
    import sys

    from django.db import connection

    from tests.jobs_utils import wait_until

    if connection.vendor != "postgresql":
        pytest.skip("Le processus tué tourne sur la base PostgreSQL de test.")
    usager = person(mds_a)
    past = timezone.now() - dt.timedelta(hours=1)
    with time_machine.travel(past - dt.timedelta(days=2), tick=False):
        items = [make_credential(usager, expires_at=past) for _ in range(120)]
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mds.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
    }
    command = [sys.executable, "manage.py", "run_retention", "--only", "vault_secrets"]
    process = subprocess.Popen([*command, "--batch-size", "1"], env=env)
    try:
        wait_until(
            lambda: PurgeRun.objects.filter(category="vault_secrets", count__gt=0).exists(),
            timeout=60,
        )
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    destroyed = Secret.objects.filter(destroyed_at__isnull=False).count()
    assert 0 < destroyed < len(items), "killed before the end"
    killed_run = PurgeRun.objects.get(category="vault_secrets")
    assert killed_run.finished_at is None  # the staff page shows it never finished
    subprocess.run(command, env=env, check=True, capture_output=True)
    for item in items:
        item.secret.refresh_from_db()
        assert item.secret.destroyed_at is not None
        assert bytes(item.secret.payload) == b"" and bytes(item.secret.vault_key) == b""
    assert not Secret.objects.filter(destroyed_at__isnull=True).exists()
    assert not Secret.objects.exclude(vault_key=b"").exists()


@pytest.mark.django_db
def test_the_first_name_purge_killed_between_batches_ends_the_same_on_rerun(mds_a: MDS) -> None:
    old_day = timezone.localdate(NOW) - dt.timedelta(days=3)
    PassageFactory.create_batch(7, mds=mds_a, alias="Amina", day=old_day)
    aliases = next(p for p in purges.registered() if p.category == "passage_aliases")
    calls = 0

    def dies_after_two_batches(now: dt.datetime, size: int, after: int) -> tuple[int, int | None]:
        nonlocal calls
        calls += 1
        if calls > 2:
            raise SystemError("worker killed")
        return aliases.run_batch(now, size, after)

    killed = purges.run_one(
        purges.Purge(aliases.category, aliases.label, dies_after_two_batches, aliases.count_due),
        now=NOW,
        batch_size=3,
    )
    assert (killed.count, killed.error) == (6, "SystemError")
    assert Passage.objects.filter(alias="Amina").count() == 1
    before = counts()
    assert run("passage_aliases", batch_size=3).count == 1
    assert not Passage.objects.exclude(alias="").exists()
    assert counts() == before


@pytest.mark.django_db(transaction=True)
def test_the_vault_purge_leaves_a_secret_held_by_a_reveal_for_the_next_run(mds_a: MDS) -> None:
    import threading

    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("Verrous de ligne : SQLite verrouille toute la table.")
    usager = person(mds_a)
    with time_machine.travel(NOW - dt.timedelta(days=2), tick=False):
        held, free = (make_credential(usager, expires_at=NOW - dt.timedelta(hours=1)) for _ in "ab")
    locked, release = threading.Event(), threading.Event()

    def reveal_in_progress() -> None:
        try:
            with transaction.atomic():
                Secret.objects.select_for_update().get(pk=held.secret_id)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    thread = threading.Thread(target=reveal_in_progress)
    thread.start()
    try:
        assert locked.wait(timeout=30)
        assert run("vault_secrets").count == 1  # did not wait for the held row
    finally:
        release.set()
        thread.join(timeout=30)
    held.secret.refresh_from_db()
    free.secret.refresh_from_db()
    assert free.secret.is_shredded and not held.secret.is_shredded
    assert run("vault_secrets").count == 1
    held.secret.refresh_from_db()
    assert held.secret.is_shredded and bytes(held.secret.payload) == b""


def test_every_registered_purge_is_listed_in_the_jobs_doc() -> None:
    from pathlib import Path

    from mds.jobs.purges import registered

    doc = (Path(__file__).resolve().parents[2] / "docs" / "jobs.md").read_text()
    categories = {purge.category for purge in registered()}
    assert {"vault_secrets", "consent_signatures", "anonymous_session_notes"} <= categories
    missing = sorted(c for c in categories if f"| `{c}` |" not in doc)
    assert not missing, f"docs/jobs.md ne décrit pas les purges {missing}"


@pytest.mark.django_db
def test_a_purge_pauses_between_batches_in_proportion_to_their_length(
    mds_a: MDS, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # RETENTION_PAUSE_RATIO: a big backlog leaves the database to the desks between batches
    # (bench/purge.py measures the check-ins); no pause after the last batch, none at 0.
    today = timezone.localdate(NOW)
    for name in ("Amina", "Karim", "Léa"):
        PassageFactory(mds=mds_a, alias=name, day=today - dt.timedelta(days=3))
    pauses: list[float] = []
    monkeypatch.setattr(purges.time, "sleep", pauses.append)
    settings.RETENTION_PAUSE_RATIO = 2.0
    assert run("passage_aliases", batch_size=1).count == 3
    assert len(pauses) == 3  # after each of the 3 full batches, not after the empty last one
    assert all(pause > 0 for pause in pauses)
    settings.RETENTION_PAUSE_RATIO = 0
    PassageFactory(mds=mds_a, alias="Zoé", day=today - dt.timedelta(days=3))
    pauses.clear()
    assert run("passage_aliases", batch_size=1).count == 1
    assert pauses == []
