"""Referrals closed, declined or expired for 24 months are anonymised, their notes destroyed
(retention category ``closed_referrals``); open ones and recent ones are kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db.models import Model

from accompagnement.models import MediationSession, Usager
from accueil.models import Passage
from mds.jobs import purges
from mds.models import MDS, OutboxMessage, PurgeRun, User
from mds.roles import Role
from notifications.models import Contact, Receipt
from notifications.purges import ANONYMISED, months_before, referral_retention_months
from orientations import services
from orientations.models import (
    DeclineReason,
    Need,
    ReasonCategory,
    Referral,
    ReferralEvent,
    State,
)
from rgpd import retention
from rgpd.models import Consent, JournalAction, JournalEntry, Secret
from tests.factories import make_member

NOW = dt.datetime(2026, 11, 24, 2, 30, tzinfo=dt.UTC)
CUTOFF = months_before(NOW, 24)
INSIDE = CUTOFF + dt.timedelta(minutes=1)  # finished 1 minute less than 24 months ago: kept
OUTSIDE = CUTOFF - dt.timedelta(minutes=1)  # 1 minute more: anonymised
TABLES: tuple[type[Model], ...] = (
    Referral,
    ReferralEvent,
    Need,
    Usager,
    MediationSession,
    Passage,
    Consent,
    Secret,
    Receipt,
    Contact,
    OutboxMessage,
)
NOTE = "Expulsion locative, dette de 2 300 €, voisin violent"


def counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in TABLES}


@pytest.fixture
def people(mds_a: MDS) -> tuple[User, User]:
    return make_member(Role.MEDIATEUR, mds_a), make_member(Role.TRAVAILLEUR_SOCIAL, mds_a)


def _sent(mds: MDS, people: tuple[User, User], moment: dt.datetime, **kwargs: Any) -> Referral:
    mediator, social = people
    with time_machine.travel(moment - dt.timedelta(days=20), tick=False):
        return services.send_referral(
            actor=mediator,
            mds=mds,
            reason_category=ReasonCategory.objects.get(code="evaluation_sociale"),
            consent_given=True,
            usager=Usager.objects.create(mds=mds, display_name="Amina Benali"),
            recipient=social,
            needs=Need.objects.all()[:2],
            note=NOTE,
            **kwargs,
        )


def _closed(mds: MDS, people: tuple[User, User], moment: dt.datetime) -> Referral:
    social = people[1]
    referral = _sent(mds, people, moment)
    with time_machine.travel(moment - dt.timedelta(days=10), tick=False):
        referral = services.accept_referral(
            actor=social,
            referral=referral,
            appointment_at=moment - dt.timedelta(days=5),
            appointment_place="CCAS, bureau 3",
        )
    with time_machine.travel(moment, tick=False):
        return services.close_referral(
            actor=social, referral=referral, outcome="Dossier FSL déposé pour Amina"
        )


def _declined(mds: MDS, people: tuple[User, User], moment: dt.datetime) -> Referral:
    referral = _sent(mds, people, moment)
    with time_machine.travel(moment, tick=False):
        return services.decline_referral(
            actor=people[1],
            referral=referral,
            reason=DeclineReason.objects.order_by("pk").first(),  # type: ignore[arg-type]
            message="Voir avec la CAF pour Amina",
        )


def _expired(mds: MDS, people: tuple[User, User], moment: dt.datetime) -> Referral:
    referral = _sent(mds, people, moment)
    Referral.objects.filter(pk=referral.pk).update(state=State.EXPIRED, state_changed_at=moment)
    return referral


def _is_anonymous(referral: Referral) -> bool:
    referral.refresh_from_db()
    return (
        referral.usager_id is None
        and referral.pseudonym == ANONYMISED
        and referral.note == ""
        and referral.decline_message == ""
        and referral.outcome in ("", ANONYMISED)
        and referral.appointment_place == ""
        and referral.consent_id is None
        and not referral.needs.exists()
    )


def test_the_retention_row_is_24_months_of_the_cnil_social_referential() -> None:
    row = retention.row("referral")
    assert (row.default, row.unit, row.setting) == (24, "months", "REFERRAL_RETENTION_MONTHS")
    assert row.legal_source == retention.CNIL_SOCIAL
    assert referral_retention_months() == 24


@pytest.mark.django_db
def test_finished_referrals_past_24_months_are_anonymised_just_inside_kept(
    mds_a: MDS, people: tuple[User, User]
) -> None:
    old = [_closed(mds_a, people, OUTSIDE), _declined(mds_a, people, OUTSIDE)]
    old.append(_expired(mds_a, people, OUTSIDE))
    recent = [_closed(mds_a, people, INSIDE), _declined(mds_a, people, INSIDE)]
    recent.append(_expired(mds_a, people, INSIDE))
    still_open = _sent(mds_a, people, OUTSIDE)  # sent long ago, never answered nor expired
    before = counts()
    [dry] = purges.run_all(now=NOW, only=["closed_referrals"], dry_run=True)
    assert dry.count == 3 and not _is_anonymous(old[0])
    [outcome] = purges.run_all(now=NOW, only=["closed_referrals"], batch_size=2)
    assert (outcome.count, outcome.error) == (3, "")
    assert all(_is_anonymous(referral) for referral in old)
    assert not any(_is_anonymous(referral) for referral in [*recent, still_open])
    kept = Referral.objects.get(pk=recent[0].pk)
    assert kept.note == NOTE and kept.usager_id is not None
    # the figures stay: MDS, states, dates, reason, history; every other table unchanged
    closed = Referral.objects.get(pk=old[0].pk)
    assert (closed.state, closed.mds_id, closed.reason_category.code) == (
        State.CLOSED,
        mds_a.pk,
        "evaluation_sociale",
    )
    assert counts() == before
    # rerun: nothing left to do, same end state
    [again] = purges.run_all(now=NOW, only=["closed_referrals"])
    assert again.count == 0
    run_row = PurgeRun.objects.get(category="closed_referrals", dry_run=False, count=3)
    assert (run_row.batches, run_row.error) == (3, "")  # 2 + 1 + an empty last batch
    entry = JournalEntry.objects.get(action=JournalAction.RETENTION_PURGE)
    assert (entry.target_type, entry.target_id) == ("closed_referrals", "3")
    assert "Amina" not in str(JournalEntry.objects.values_list())


@pytest.mark.django_db
def test_the_operator_setting_changes_the_window(
    mds_a: MDS, people: tuple[User, User], settings: Any
) -> None:
    referral = _closed(mds_a, people, INSIDE)
    settings.REFERRAL_RETENTION_MONTHS = 12
    [outcome] = purges.run_all(now=NOW, only=["closed_referrals"])
    assert outcome.count == 1 and _is_anonymous(referral)


@pytest.mark.django_db
def test_an_inactive_usager_with_a_closed_referral_is_anonymised_without_error(
    mds_a: MDS, people: tuple[User, User]
) -> None:
    long_ago = months_before(NOW, retention.value("person") + 1)
    with time_machine.travel(long_ago - dt.timedelta(days=30), tick=False):
        referral = _closed(mds_a, people, long_ago)
    assert referral.usager is not None
    Usager.objects.filter(pk=referral.usager.pk).update(created_at=long_ago)
    [outcome] = purges.run_all(now=NOW, only=["inactive_usagers"])
    assert (outcome.count, outcome.error) == (1, "")
    referral.refresh_from_db()
    assert referral.note == "" and referral.outcome == ANONYMISED
