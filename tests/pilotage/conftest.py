"""Hand-computed fixtures of the pilotage tests (every expected number is worked out in the
test that uses it). Times are local (Europe/Paris) unless written in UTC."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from accompagnement.models import MediationSession, ModeOfHelp, Usager
from accueil.models import Passage, Status
from mds.models import MDS, User
from tests.accompagnement.factories import DemarcheFactory, MediationSessionFactory, UsagerFactory
from tests.accueil.factories import PassageFactory, motive
from tests.factories import UserFactory

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.UTC


def local(y: int, m: int, d: int, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=PARIS)


def make_passage(
    mds: MDS,
    arrived_at: dt.datetime,
    *,
    code: str = "mediation",
    wait_minutes: int | None = None,
    status: str = Status.DONE,
    **fields: object,
) -> Passage:
    called = arrived_at + dt.timedelta(minutes=wait_minutes) if wait_minutes is not None else None
    extra: dict[str, object] = {"cancel_reason": "erreur"} if status == Status.CANCELLED else {}
    return PassageFactory(
        mds=mds,
        arrived_at=arrived_at,
        motive=motive(code),
        called_at=called,
        status=status,
        **extra,
        **fields,
    )


@pytest.fixture
def accueil_march(mds_a: MDS, mds_b: MDS) -> None:
    """MDS A in March 2026 (14 passages counted), plus rows that must NOT count."""
    for wait in (2, 4, 6, 8, 10, 30):  # Tuesday 10 March, 9:00
        make_passage(mds_a, local(2026, 3, 10, 9), wait_minutes=wait)
    for _ in range(5):  # Wednesday 11 March, 14:00, left without being seen
        make_passage(mds_a, local(2026, 3, 11, 14), code="rdv-social", status=Status.LEFT)
    # Sunday 29 March, DST starts at 02:00 (-> 03:00): 00:30 UTC is 01:30, 01:30 UTC is 03:30
    for utc_hour in (0, 1):
        make_passage(
            mds_a,
            dt.datetime(2026, 3, 29, utc_hour, 30, tzinfo=UTC),
            code="information",
            priority="handicap",
            outside_opening_hours=True,
        )
    # 28 Feb 23:30 UTC is 1 March 00:30 in Paris: counts in March
    make_passage(
        mds_a,
        dt.datetime(2026, 2, 28, 23, 30, tzinfo=UTC),
        code="information",
        outside_opening_hours=True,
    )
    # 31 March 22:30 UTC is 1 April 00:30 in Paris: does not count in March
    make_passage(mds_a, dt.datetime(2026, 3, 31, 22, 30, tzinfo=UTC))
    # a typing error (cancelled) and another MDS: never counted for A
    make_passage(mds_a, local(2026, 3, 12, 10), status=Status.CANCELLED)
    make_passage(mds_b, local(2026, 3, 12, 10))


def make_session(
    mds: MDS,
    day: dt.date,
    modes: tuple[int, ...],
    *,
    usager: Usager | None = None,
    duration: int = 30,
    mediator: User | None = None,
) -> MediationSession:
    session = MediationSessionFactory(
        mds=mds,
        date=day,
        usager=usager,
        duration_minutes=duration,
        mediator=mediator or UserFactory(),
        idempotency_key=uuid.uuid4(),
    )
    for position, mode in enumerate(modes):
        DemarcheFactory(session=session, mode_of_help=mode, position=position)
    return session


AVEC, POUR = ModeOfHelp.FAIRE_AVEC, ModeOfHelp.FAIRE_POUR


@pytest.fixture
def mediation_feb_march(mds_a: MDS, mds_b: MDS) -> dict[str, Usager]:
    """18 sessions of MDS A in February and March 2026 (see the tests for the arithmetic)."""
    d = dt.date
    people = {name: UsagerFactory(mds=mds_a) for name in ("u1", "u2", "u3", "u4")}
    make_session(mds_a, d(2026, 2, 5), (POUR,), usager=people["u1"])
    make_session(mds_a, d(2026, 3, 5), (AVEC,), usager=people["u1"])  # 5 -> 4: progress
    make_session(mds_a, d(2026, 2, 10), (AVEC,), usager=people["u2"])
    make_session(mds_a, d(2026, 3, 10), (AVEC, POUR), usager=people["u2"])  # 4 -> 5: back
    make_session(mds_a, d(2026, 3, 12), (ModeOfHelp.FORMER_A_FAIRE,), usager=people["u3"])
    make_session(mds_a, d(2026, 2, 15), (AVEC,), usager=people["u4"])
    make_session(mds_a, d(2026, 3, 15), (ModeOfHelp.LAISSER_FAIRE,), usager=people["u4"])
    for minutes in (10, 20, 30, 45, 90, 150):
        make_session(mds_a, d(2026, 3, 20), (AVEC,), duration=minutes)
    for _ in range(5):
        make_session(mds_a, d(2026, 3, 21), (POUR,), duration=15)
    # outside the scope: MDS B, and April
    make_session(mds_b, d(2026, 3, 20), (POUR,))
    make_session(mds_a, d(2026, 4, 1), (POUR,))
    return people
