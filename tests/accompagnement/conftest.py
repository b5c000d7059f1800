"""Fixtures of the accompagnement tests: a frozen day and a mediator of MDS A."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mds.models import MDS, User
from mds.roles import Role
from tests.factories import make_member

TODAY = dt.date(2025, 3, 12)


@pytest.fixture
def today() -> Iterator[dt.date]:
    """Freeze the clock on a Wednesday morning in Paris."""
    moment = dt.datetime(2025, 3, 12, 10, 30, tzinfo=ZoneInfo("Europe/Paris"))
    with time_machine.travel(moment, tick=False):
        yield TODAY


@pytest.fixture
def mediator(mds_a: MDS, today: dt.date) -> User:
    return make_member(Role.MEDIATEUR, mds_a)
