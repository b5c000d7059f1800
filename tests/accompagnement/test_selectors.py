"""Who sees which sessions, follow-ups due, the autonomy trajectory, shortcuts."""

from __future__ import annotations

import datetime as dt

import pytest

from accompagnement import selectors
from accompagnement.models import KindOfHelp, ModeOfHelp, Organisme, Outcome
from accompagnement.services.sessions import close_follow_up, log_session
from mds.models import MDS, User
from mds.roles import Role
from tests.accompagnement.factories import (
    DemarcheFactory,
    MediationSessionFactory,
    UsagerFactory,
    demarche,
    ref,
    session_kwargs,
)
from tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_sessions(mds_a: MDS, mds_b: MDS) -> tuple[object, object]:
    return (
        MediationSessionFactory(mds=mds_a, mediator=make_member(Role.MEDIATEUR, mds_a)),
        MediationSessionFactory(mds=mds_b, mediator=make_member(Role.MEDIATEUR, mds_b)),
    )


def test_mediator_of_mds_a_sees_sessions_of_mds_a_only(
    mds_a: MDS, two_sessions: tuple[object, object]
) -> None:
    in_a, in_b = two_sessions
    colleague = make_member(Role.MEDIATEUR, mds_a)
    visible = list(selectors.sessions_visible_to(colleague))
    assert visible == [in_a]
    assert in_b not in visible


@pytest.mark.parametrize(
    "role", [Role.ACCUEIL, Role.TRAVAILLEUR_SOCIAL, Role.SECRETARIAT, Role.ADMIN, Role.DPO]
)
def test_roles_without_sessions_see_none(
    mds_a: MDS, two_sessions: tuple[object, object], role: str
) -> None:
    assert not selectors.sessions_visible_to(make_member(role, mds_a)).exists()


def test_anonymous_user_sees_no_session(two_sessions: tuple[object, object]) -> None:
    assert not selectors.sessions_visible_to(None).exists()


def test_direction_sees_its_mds_and_departmental_direction_every_mds(
    mds_a: MDS, two_sessions: tuple[object, object]
) -> None:
    in_a, _in_b = two_sessions
    assert list(selectors.sessions_visible_to(make_member(Role.DIRECTION, mds_a))) == [in_a]
    departmental = make_member(Role.DIRECTION_DEPARTEMENTALE, None)
    assert selectors.sessions_visible_to(departmental).count() == 2


def test_follow_ups_due_lists_reached_dates_and_files_to_continue(
    mediator: User, mds_a: MDS, today: dt.date
) -> None:
    continuing = ref(Outcome, "a_poursuivre")
    missing = ref(Outcome, "pieces_manquantes")
    past = today - dt.timedelta(days=10)
    due_today = MediationSessionFactory(
        mds=mds_a, mediator=mediator, date=past, outcome=continuing, next_appointment=today
    )
    overdue = MediationSessionFactory(
        mds=mds_a,
        mediator=mediator,
        date=past,
        outcome=continuing,
        next_appointment=today - dt.timedelta(days=2),
    )
    file_to_continue = MediationSessionFactory(
        mds=mds_a, mediator=mediator, date=past, outcome=missing
    )
    # not due: future date, closed, done, another mediator's
    MediationSessionFactory(
        mds=mds_a,
        mediator=mediator,
        date=past,
        outcome=continuing,
        next_appointment=today + dt.timedelta(days=1),
    )
    closed = MediationSessionFactory(mds=mds_a, mediator=mediator, date=past, outcome=missing)
    close_follow_up(session=closed, user=mediator)
    MediationSessionFactory(mds=mds_a, mediator=mediator, date=past)
    MediationSessionFactory(
        mds=mds_a,
        mediator=make_member(Role.MEDIATEUR, mds_a),
        date=past,
        outcome=continuing,
        next_appointment=today,
    )

    due = list(selectors.follow_ups_due(mediator=mediator, today=today))
    assert due == [file_to_continue, overdue, due_today]


def test_mode_trajectory_is_ordered_in_time_with_extreme_modes(
    mediator: User, mds_a: MDS, today: dt.date
) -> None:
    usager = UsagerFactory(mds=mds_a)
    march = MediationSessionFactory(
        mds=mds_a, mediator=mediator, usager=usager, date=dt.date(2025, 3, 1)
    )
    january = MediationSessionFactory(
        mds=mds_a, mediator=mediator, usager=usager, date=dt.date(2025, 1, 15)
    )
    february = MediationSessionFactory(
        mds=mds_a, mediator=mediator, usager=usager, date=dt.date(2025, 2, 10)
    )
    DemarcheFactory(session=january, mode_of_help=ModeOfHelp.FAIRE_POUR)
    DemarcheFactory(session=february, mode_of_help=ModeOfHelp.FAIRE_AVEC)
    DemarcheFactory(session=february, mode_of_help=ModeOfHelp.FORMER_A_FAIRE)
    DemarcheFactory(session=march, mode_of_help=ModeOfHelp.LAISSER_FAIRE)
    MediationSessionFactory(mds=mds_a, mediator=mediator, usager=UsagerFactory(mds=mds_a))

    points = selectors.mode_trajectory(usager=usager)
    assert [p.date for p in points] == [
        dt.date(2025, 1, 15),
        dt.date(2025, 2, 10),
        dt.date(2025, 3, 1),
    ]
    assert [(p.most_autonomous, p.least_autonomous) for p in points] == [
        (ModeOfHelp.FAIRE_POUR, ModeOfHelp.FAIRE_POUR),
        (ModeOfHelp.FORMER_A_FAIRE, ModeOfHelp.FAIRE_AVEC),
        (ModeOfHelp.LAISSER_FAIRE, ModeOfHelp.LAISSER_FAIRE),
    ]
    assert points[0].session_id == january.pk


def test_last_choices_are_the_mediators_recent_distinct_pairs(mediator: User, mds_a: MDS) -> None:
    for item in (
        demarche("demarche_en_ligne", organisme="impots"),
        demarche("creation_email", organisme=None),
        demarche("demarche_en_ligne", organisme="caf"),
        demarche("demarche_en_ligne", organisme="impots"),
    ):
        log_session(mediator=mediator, mds=mds_a, **session_kwargs(demarches=[item]))
    log_session(
        mediator=make_member(Role.MEDIATEUR, mds_a),
        mds=mds_a,
        **session_kwargs(demarches=[demarche("impression", organisme="msa")]),
    )
    shortcuts = selectors.last_choices(mediator=mediator, limit=3)
    assert [(s.organisme, s.kind_of_help) for s in shortcuts] == [
        (ref(Organisme, "impots"), ref(KindOfHelp, "demarche_en_ligne")),
        (ref(Organisme, "caf"), ref(KindOfHelp, "demarche_en_ligne")),
        (None, ref(KindOfHelp, "creation_email")),
    ]
    assert shortcuts[0].label == "Impôts (DGFiP) — Démarche administrative en ligne"
