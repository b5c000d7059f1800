"""The referral state machine: every allowed and forbidden transition, history, expiry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from mds.models import User
from orientations import services
from orientations.models import (
    PARTNER_TRANSITIONS,
    TRANSITIONS,
    DeclineReason,
    EventKind,
    Partner,
    Referral,
    State,
)
from tests.orientations.conftest import PARIS

pytestmark = pytest.mark.django_db

APPOINTMENT = dt.datetime(2026, 5, 12, 14, 0, tzinfo=PARIS)


def _go(referral: Referral, to: str, actor: User) -> Referral:
    """Drive ``referral`` to ``to`` through the matching service."""
    if to == State.SEEN:
        return services.mark_seen(actor=actor, referral=referral)
    if to == State.ACCEPTED:
        return services.accept_referral(
            actor=actor, referral=referral, appointment_at=APPOINTMENT, appointment_place="Bureau 3"
        )
    if to == State.DECLINED:
        return services.decline_referral(
            actor=actor, referral=referral, reason=DeclineReason.objects.get(code="autre")
        )
    if to == State.CLOSED:
        return services.close_referral(
            actor=actor, referral=referral, outcome="RDV tenu, RSA ouvert."
        )
    if to == State.EXPIRED:
        services.expire_overdue(now=dt.datetime(2026, 7, 1, 10, tzinfo=PARIS))
        return Referral.objects.get(pk=referral.pk)
    raise AssertionError(to)


PATHS: dict[str, list[str]] = {
    State.SENT: [],
    State.SEEN: [State.SEEN],
    State.ACCEPTED: [State.ACCEPTED],
    State.DECLINED: [State.DECLINED],
    State.CLOSED: [State.ACCEPTED, State.CLOSED],
    State.EXPIRED: [State.EXPIRED],
}
ALL_PAIRS = [(a, b) for a in State.values for b in State.values if b != State.SENT]


@pytest.mark.parametrize(("start", "to"), ALL_PAIRS)
def test_every_transition_is_allowed_or_refused_as_the_table_says(
    start: str, to: str, send: Callable[..., Referral], social: User, now: dt.datetime
) -> None:
    referral = send(target_role="", recipient=social)
    for step in PATHS[start]:
        referral = _go(referral, step, social)
    assert referral.state == start
    if to in TRANSITIONS[State(start)]:
        referral = _go(referral, to, social)
        assert Referral.objects.get(pk=referral.pk).state == to
    else:
        before = Referral.objects.get(pk=referral.pk)
        with pytest.raises(ValidationError):
            if to in (State.EXPIRED, State.SEEN):
                # the system's expiry and the opening by the recipient only ever pick waiting
                # referrals: check the table itself refuses the move
                services._transition(before, to, by=None, now=now)
            else:
                _go(before, to, social)
        assert Referral.objects.get(pk=referral.pk).state == start


def test_history_keeps_every_change_with_time_and_author(
    send: Callable[..., Referral], mediator: User, social: User, now: dt.datetime
) -> None:
    referral = send()
    with time_machine.travel(now + dt.timedelta(hours=1), tick=False):
        referral = services.take_referral(actor=social, referral=referral)
    with time_machine.travel(now + dt.timedelta(hours=2), tick=False):
        referral = _go(referral, State.ACCEPTED, social)
    with time_machine.travel(now + dt.timedelta(days=7), tick=False):
        referral = _go(referral, State.CLOSED, social)
    events = list(referral.events.order_by("at", "pk"))
    assert [(e.kind, e.from_state, e.to_state, e.by) for e in events] == [
        (EventKind.STATE, "", State.SENT, mediator),
        (EventKind.TAKEN, "", "", social),
        (EventKind.STATE, State.SENT, State.SEEN, social),
        (EventKind.STATE, State.SEEN, State.ACCEPTED, social),
        (EventKind.STATE, State.ACCEPTED, State.CLOSED, social),
    ]
    assert events[0].at == now
    assert events[3].at == now + dt.timedelta(hours=2)
    assert events[-1].at == now + dt.timedelta(days=7)
    assert referral.recipient == social
    assert referral.closed_at == now + dt.timedelta(days=7)


def test_a_partner_referral_is_closed_by_its_sender_and_never_accepted(
    send: Callable[..., Referral], mediator: User, social: User
) -> None:
    partner = Partner.objects.create(external_id="p1", nom="Centre social Saint-Just")
    referral = send(target_role="", partner=partner)
    assert referral.allowed_next() == PARTNER_TRANSITIONS[State.SENT]
    with pytest.raises(services.ReferralRefused):
        _go(referral, State.ACCEPTED, social)
    referral = services.close_referral(actor=mediator, referral=referral, outcome="Y est allée.")
    assert referral.state == State.CLOSED


def test_the_database_refuses_an_accepted_referral_without_appointment(
    send: Callable[..., Referral], social: User
) -> None:
    referral = send()
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(state=State.ACCEPTED, recipient=social)


def test_the_database_refuses_a_declined_referral_without_reason(
    send: Callable[..., Referral],
) -> None:
    referral = send()
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(state=State.DECLINED)


def test_the_database_refuses_a_restricted_referral_to_a_role(
    send: Callable[..., Referral],
) -> None:
    referral = send()
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(restricted=True)


def test_the_database_refuses_a_note_over_the_limit(send: Callable[..., Referral]) -> None:
    referral = send()
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(note="x" * 601)


# --- expiry by working days ------------------------------------------------------------------


def test_expiry_counts_working_days_across_a_public_holiday(
    send: Callable[..., Referral], mds_a: object
) -> None:
    """Sent Wed 6 May 2026 (default: 10 working days). Fri 8 May (Victoire 1945) and Thu 14 May
    (Ascension) are public holidays, so the 10th working day is Fri 22 May: the referral is
    still waiting that evening and expires the next morning, not after 10 calendar days."""
    referral = send()
    services.expire_overdue(now=dt.datetime(2026, 5, 16, 9, 0, tzinfo=PARIS))
    services.expire_overdue(now=dt.datetime(2026, 5, 22, 18, 0, tzinfo=PARIS))
    assert Referral.objects.get(pk=referral.pk).state == State.SENT
    with time_machine.travel(dt.datetime(2026, 5, 23, 9, 0, tzinfo=PARIS), tick=False):
        expired = services.expire_overdue()
    assert expired == [referral.pk]
    referral.refresh_from_db()
    assert referral.state == State.EXPIRED
    last = referral.events.order_by("-at", "-pk").first()
    assert last is not None and last.by is None and last.to_state == State.EXPIRED


def test_expiry_does_not_touch_accepted_or_partner_referrals(
    send: Callable[..., Referral], social: User
) -> None:
    accepted = _go(send(), State.ACCEPTED, social)
    partner = send(target_role="", partner=Partner.objects.create(external_id="p", nom="P"))
    assert services.expire_overdue(now=dt.datetime(2026, 9, 1, 10, tzinfo=PARIS)) == []
    assert Referral.objects.get(pk=accepted.pk).state == State.ACCEPTED
    assert Referral.objects.get(pk=partner.pk).state == State.SENT
