"""Fixtures of the orientations tests: a frozen Wednesday, people of MDS A and B, a sender."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mds.models import MDS, User
from mds.roles import Role
from orientations.models import ReasonCategory, Referral
from orientations.services import send_referral
from tests.factories import make_member

PARIS = ZoneInfo("Europe/Paris")
#: Wednesday 6 May 2026, 10:30 in Paris: Friday 8 May (Victoire 1945) is a public holiday.
NOW = dt.datetime(2026, 5, 6, 10, 30, tzinfo=PARIS)


@pytest.fixture
def now() -> Iterator[dt.datetime]:
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def mediator(mds_a: MDS, now: dt.datetime) -> User:
    return make_member(Role.MEDIATEUR, mds_a, email="mediateur@a.test")


@pytest.fixture
def social(mds_a: MDS) -> User:
    return make_member(Role.TRAVAILLEUR_SOCIAL, mds_a, email="as@a.test")


@pytest.fixture
def other_social(mds_a: MDS) -> User:
    return make_member(Role.TRAVAILLEUR_SOCIAL, mds_a, email="es@a.test")


@pytest.fixture
def social_b(mds_b: MDS) -> User:
    return make_member(Role.TRAVAILLEUR_SOCIAL, mds_b, email="as@b.test")


@pytest.fixture
def direction(mds_a: MDS) -> User:
    return make_member(Role.DIRECTION, mds_a, email="direction@a.test")


def reason(code: str = "evaluation_sociale") -> ReasonCategory:
    return ReasonCategory.objects.get(code=code)


@pytest.fixture
def send(mediator: User, mds_a: MDS) -> Callable[..., Referral]:
    """``send(**overrides)``: a referral from the mediator of MDS A through the service."""

    def make(**overrides: Any) -> Referral:
        kwargs: dict[str, Any] = {
            "actor": mediator,
            "mds": mds_a,
            "reason_category": reason(),
            "consent_given": True,
            "pseudonym": "Samira",
            "target_role": Role.TRAVAILLEUR_SOCIAL,
        }
        kwargs.update(overrides)
        return send_referral(**kwargs)

    return make
