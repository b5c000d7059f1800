"""Reminder selection: not seen after N working days → recipient; after M → direction; per
MDS; never twice; a seen referral is not reminded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from mds.models import MDS, User
from orientations import services, tasks
from orientations.models import EventKind, Referral, ReferralSettings
from tests.orientations.conftest import PARIS

pytestmark = pytest.mark.django_db


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 5, day, hour, 0, tzinfo=PARIS)


def test_reminder_at_n_and_escalation_at_m_working_days_once_each(
    send: Callable[..., Referral], mds_a: MDS
) -> None:
    ReferralSettings.objects.create(
        mds=mds_a, remind_after_days=2, escalate_after_days=4, expire_after_days=10
    )
    referral = send()  # Wed 6 May; Fri 8 May is a holiday
    # Thu 7 is the 1st working day, Mon 11 the 2nd: reminder on Tue 12, not on Mon 11.
    assert services.select_reminders(now=at(11, 17)).reminded == []
    report = services.select_reminders(now=at(12))
    assert report.reminded == [referral.pk] and report.escalated == []
    # Tue 12 (3rd), Wed 13 (4th); Thu 14 is Ascension: escalation on Thu 14 morning.
    assert services.select_reminders(now=at(13, 17)) == services.ReminderReport()
    report = services.select_reminders(now=at(14))
    assert report.reminded == [] and report.escalated == [referral.pk]
    # never twice
    assert services.select_reminders(now=at(20)) == services.ReminderReport()
    kinds = list(referral.events.exclude(kind=EventKind.STATE).values_list("kind", flat=True))
    assert sorted(kinds) == [EventKind.ESCALATED, EventKind.REMINDED]
    referral.refresh_from_db()
    assert referral.reminded_at == at(12) and referral.escalated_at == at(14)


def test_delays_are_per_mds(
    send: Callable[..., Referral], mds_a: MDS, mds_b: MDS, social_b: User
) -> None:
    from orientations.services import send_referral
    from tests.factories import make_member
    from tests.orientations.conftest import reason

    ReferralSettings.objects.create(
        mds=mds_b, remind_after_days=5, escalate_after_days=6, expire_after_days=7
    )
    in_a = send()
    in_b = send_referral(
        actor=make_member("accueil", mds_b),
        mds=mds_b,
        reason_category=reason(),
        consent_given=True,
        pseudonym="Karim",
        target_role="travailleur_social",
    )
    report = services.select_reminders(now=at(12))
    assert report.reminded == [in_a.pk]  # MDS A: default 2 days; MDS B: 5 days
    assert in_b.pk not in report.reminded


def test_a_seen_referral_gets_no_reminder(send: Callable[..., Referral], social: User) -> None:
    referral = services.take_referral(actor=social, referral=send())
    assert services.select_reminders(now=at(29)) == services.ReminderReport()
    assert referral.reminded_at is None


def test_the_tasks_are_thin_wrappers(send: Callable[..., Referral]) -> None:
    referral = send()
    assert tasks.select_reminders.apply(kwargs={}).get() == {
        "reminded": [],
        "escalated": [],
    }  # now = Wed 6 May (frozen): nothing due yet
    assert tasks.expire_overdue.apply().get() == []
    assert Referral.objects.get(pk=referral.pk).reminded_at is None
