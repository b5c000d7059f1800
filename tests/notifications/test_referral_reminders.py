"""Referral reminders are sent: not seen after N working days → the recipient, after M → the
direction; queued in the marking transaction, once each, with nothing sensitive in them. And the
J-1 reminder of an accepted referral's appointment to the person."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from mds.models import MDS, Membership, OutboxMessage, User
from mds.outbox import services as outbox
from mds.roles import Role
from mds.tasks import ping
from notifications import reminders
from notifications.models import Kind, Receipt, ReceiptStatus
from orientations import services as referrals
from orientations import tasks as referral_tasks
from orientations.models import ReasonCategory, Referral, ReferralSettings
from orientations.reference import RESTRICTED_REASON_CODE
from tests.factories import make_member
from tests.jobs_utils import wait_until
from tests.notifications.factories import person

PARIS = ZoneInfo("Europe/Paris")
#: Wednesday 6 May 2026; Friday 8 May and Thursday 14 May (Ascension) are public holidays
SENT = dt.datetime(2026, 5, 6, 10, 30, tzinfo=PARIS)


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 5, day, hour, 0, tzinfo=PARIS)


def _send(mds: MDS, **kwargs: Any) -> Referral:
    fields: dict[str, Any] = {
        "actor": make_member(Role.MEDIATEUR, mds),
        "mds": mds,
        "reason_category": ReasonCategory.objects.get(code="evaluation_sociale"),
        "consent_given": True,
        "pseudonym": "Samira",
    }
    fields.update(kwargs)
    with time_machine.travel(SENT, tick=False):
        return referrals.send_referral(**fields)


def _run_all_jobs() -> None:
    for row in OutboxMessage.objects.order_by("pk"):
        outbox.run(row.pk)


@pytest.fixture
def delays(mds_a: MDS) -> ReferralSettings:
    # reminded on Tue 12 May (2 working days), escalated on Thu 14 May (4 working days)
    return ReferralSettings.objects.create(
        mds=mds_a, remind_after_days=2, escalate_after_days=4, expire_after_days=10
    )


@pytest.mark.django_db
def test_a_named_professional_gets_one_e_mail_when_the_referral_is_reminded(
    mds_a: MDS, delays: ReferralSettings
) -> None:
    social = make_member(Role.TRAVAILLEUR_SOCIAL, mds_a, email="as@a.test")
    referral = _send(mds_a, recipient=social)
    assert referrals.select_reminders(now=at(11, 17)).reminded == []
    assert Receipt.objects.count() == 0  # not due: nothing queued
    assert referrals.select_reminders(now=at(12)).reminded == [referral.pk]
    assert referrals.select_reminders(now=at(12, 11)).reminded == []  # a rerun: nothing new
    receipt = Receipt.objects.get()
    assert (receipt.kind, receipt.recipient_user_id) == (Kind.REFERRAL_WAITING, social.pk)
    _run_all_jobs()
    _run_all_jobs()  # every job delivered twice
    [email] = mail.outbox
    assert email.to == ["as@a.test"]
    assert "depuis 2 jours ouvrés" in email.body
    assert f"/orientations/{referral.pk}/" in email.body
    receipt.refresh_from_db()
    assert (receipt.status, receipt.attempts) == (ReceiptStatus.SENT, 1)


@pytest.mark.django_db
def test_a_role_referral_reminds_every_active_member_of_that_role_at_that_mds(
    mds_a: MDS, mds_b: MDS, delays: ReferralSettings
) -> None:
    first = make_member(Role.TRAVAILLEUR_SOCIAL, mds_a, email="as1@a.test")
    second = make_member(Role.TRAVAILLEUR_SOCIAL, mds_a, email="as2@a.test")
    gone = make_member(Role.TRAVAILLEUR_SOCIAL, mds_a, email="parti@a.test")
    Membership.objects.filter(user=gone).update(is_active=False)
    make_member(Role.TRAVAILLEUR_SOCIAL, mds_b, email="as@b.test")  # another MDS
    make_member(Role.SECRETARIAT, mds_a, email="secretariat@a.test")  # another role
    _send(mds_a, target_role=Role.TRAVAILLEUR_SOCIAL)
    referrals.select_reminders(now=at(12))
    _run_all_jobs()
    assert sorted(m.to[0] for m in mail.outbox) == [first.email, second.email]


@pytest.mark.django_db
def test_the_direction_gets_the_escalation_and_the_recipient_is_not_reminded_again(
    mds_a: MDS, delays: ReferralSettings
) -> None:
    social = make_member(Role.TRAVAILLEUR_SOCIAL, mds_a, email="as@a.test")
    direction = make_member(Role.DIRECTION, mds_a, email="direction@a.test")
    referral = _send(mds_a, recipient=social)
    referrals.select_reminders(now=at(12))
    referrals.select_reminders(now=at(14))
    referrals.select_reminders(now=at(15))
    _run_all_jobs()
    sent = {(m.to[0], m.subject) for m in mail.outbox}
    assert sent == {
        (social.email, "Orientation en attente"),
        (direction.email, "Orientation sans réponse"),
    }
    escalation = Receipt.objects.get(kind=Kind.REFERRAL_ESCALATED)
    assert escalation.recipient_user_id == direction.pk
    [to_direction] = [m for m in mail.outbox if m.to == [direction.email]]
    assert "depuis 4 jours ouvrés" in to_direction.body
    assert f"/orientations/{referral.pk}/" in to_direction.body


@pytest.mark.django_db
def test_a_restricted_referral_reminder_says_nothing_sensitive(
    mds_a: MDS, delays: ReferralSettings
) -> None:
    social = make_member(Role.TRAVAILLEUR_SOCIAL, mds_a, email="as@a.test")
    make_member(Role.DIRECTION, mds_a, email="direction@a.test")
    reason = ReasonCategory.objects.get(code=RESTRICTED_REASON_CODE)
    referral = _send(
        mds_a,
        recipient=social,
        reason_category=reason,
        consent_given=False,
        pseudonym="Karim",
        note="Bleus constatés sur Karim Benali, école Jules-Ferry",
    )
    assert referral.restricted
    referrals.select_reminders(now=at(12))
    referrals.select_reminders(now=at(14))
    _run_all_jobs()
    assert len(mail.outbox) == 2
    stored = " ".join(str(r.context) for r in Receipt.objects.all())
    for text in [m.subject + " " + m.body for m in mail.outbox] + [stored]:
        for secret in ("Karim", "Benali", "Bleus", "Jules-Ferry", str(reason.label)):
            assert secret not in text


@pytest.mark.django_db
def test_the_messages_are_queued_in_the_marking_transaction(
    mds_a: MDS, delays: ReferralSettings
) -> None:
    social = make_member(Role.TRAVAILLEUR_SOCIAL, mds_a)
    referral = _send(mds_a, recipient=social)

    class Crash(Exception):
        pass

    with pytest.raises(Crash), transaction.atomic():
        referrals.select_reminders(now=at(12))
        assert Receipt.objects.count() == 1
        raise Crash  # the mark rolls back: so does its message
    assert Receipt.objects.count() == 0
    assert not OutboxMessage.objects.exists()
    referral.refresh_from_db()
    assert referral.reminded_at is None
    referrals.select_reminders(now=at(12))  # the next run does both
    assert Receipt.objects.count() == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_referral_reminder_is_sent_once_even_if_the_task_runs_twice_on_the_worker(
    celery_worker: str | None, mds_a: MDS
) -> None:
    social = make_member(Role.TRAVAILLEUR_SOCIAL, mds_a, email="as@a.test")
    referral = _send(mds_a, recipient=social)
    # sent long ago: reminder (2 days) and escalation (5 days, the defaults) both due today
    Referral.objects.filter(pk=referral.pk).update(sent_at=timezone.now() - dt.timedelta(days=30))
    direction = make_member(Role.DIRECTION, mds_a, email="direction@a.test")
    first = referral_tasks.select_reminders.delay()
    second = referral_tasks.select_reminders.delay()
    results = [first.get(timeout=30), second.get(timeout=30)]
    # the first run marks and queues, the second finds nothing left to mark
    assert sorted(results, key=lambda r: len(r["reminded"])) == [
        {"reminded": [], "escalated": []},
        {"reminded": [referral.pk], "escalated": [referral.pk]},
    ]
    wait_until(lambda: Receipt.objects.filter(status=ReceiptStatus.SENT).count() == 2)
    ping.delay().get(timeout=30)  # the solo worker has finished what it took
    receipts = Receipt.objects.order_by("kind")
    assert [(r.kind, r.recipient_user_id, r.status, r.attempts) for r in receipts] == [
        (Kind.REFERRAL_ESCALATED, direction.pk, ReceiptStatus.SENT, 1),
        (Kind.REFERRAL_WAITING, social.pk, ReceiptStatus.SENT, 1),
    ]
    assert OutboxMessage.objects.filter(task_name="notifications.send").count() == 2


# --------------------------------------------------------------------------------------------
# J-1: the appointment of an accepted referral, to the person
# --------------------------------------------------------------------------------------------


def _accepted(mds: MDS, social: User, usager: Any, appointment_at: dt.datetime) -> Referral:
    referral = _send(mds, recipient=social, usager=usager, pseudonym="")
    with time_machine.travel(SENT, tick=False):
        return referrals.accept_referral(
            actor=social,
            referral=referral,
            appointment_at=appointment_at,
            appointment_place="Bureau 3, CCAS",
        )


@pytest.mark.django_db
def test_an_accepted_referral_appointment_tomorrow_is_reminded_to_the_person(mds_a: MDS) -> None:
    from notifications.backends.simple import MemoryBackend

    social = make_member(Role.TRAVAILLEUR_SOCIAL, mds_a)
    today = dt.date(2026, 5, 11)
    tomorrow_late = dt.datetime(2026, 5, 12, 23, 30, tzinfo=PARIS)  # still "tomorrow" in Paris
    due = person(mds_a)
    _accepted(mds_a, social, due, tomorrow_late)
    later = person(mds_a)
    _accepted(mds_a, social, later, dt.datetime(2026, 5, 13, 0, 30, tzinfo=PARIS))
    no_consent = person(mds_a, consent=False)
    _accepted(mds_a, social, no_consent, dt.datetime(2026, 5, 12, 9, 0, tzinfo=PARIS))
    waiting = _send(mds_a, recipient=social, usager=person(mds_a), pseudonym="")
    Referral.objects.filter(pk=waiting.pk).update(
        appointment_at=dt.datetime(2026, 5, 12, 9, 0, tzinfo=PARIS)
    )  # not accepted: no reminder
    assert reminders.appointment_reminders(today=today) == 2
    assert reminders.appointment_reminders(today=today) == 2  # a rerun queues nothing new
    assert {r.usager_id for r in Receipt.objects.all()} == {due.pk, no_consent.pk}
    _run_all_jobs()
    [sms] = MemoryBackend.outbox
    assert "12/05/2026" in sms.body and mds_a.name in sms.body
    assert "CCAS" not in sms.body  # the place may say more than the person wants
    skipped = Receipt.objects.get(usager=no_consent)
    assert skipped.status == ReceiptStatus.SKIPPED
    assert "consentement" in skipped.error


@pytest.mark.django_db
def test_a_session_and_a_referral_on_the_same_day_give_one_reminder(mds_a: MDS) -> None:
    from accompagnement.models import Outcome
    from tests.accompagnement.factories import MediationSessionFactory, ref

    social = make_member(Role.TRAVAILLEUR_SOCIAL, mds_a)
    mediator = make_member(Role.MEDIATEUR, mds_a)
    usager = person(mds_a)
    today = dt.date(2026, 5, 11)
    _accepted(mds_a, social, usager, dt.datetime(2026, 5, 12, 14, 0, tzinfo=PARIS))
    MediationSessionFactory(
        mds=mds_a,
        usager=usager,
        mediator=mediator,
        date=dt.date(2026, 5, 4),
        next_appointment=dt.date(2026, 5, 12),
        outcome=ref(Outcome, "a_poursuivre"),
    )
    assert reminders.appointment_reminders(today=today) == 1
    assert Receipt.objects.count() == 1
