"""Reads of the project package, always scoped by the permission module."""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from .models import MDS, Membership, OpeningPeriod, User
from .permissions import scope

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def team_of(*, user: User | AnonymousUser, mds: MDS | None) -> QuerySet[Membership]:
    """Active memberships of ``mds``, provided the user reaches it; none otherwise."""
    if mds is None:
        return Membership.objects.none()
    return (
        scope(Membership.objects.filter(is_active=True, mds=mds), user)
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name")
    )


def site_counts() -> dict[str, int]:
    return {
        "mds": MDS.objects.filter(is_active=True).count(),
        "users": User.objects.filter(is_active=True).count(),
        "memberships": Membership.objects.filter(is_active=True).count(),
    }


#: Opening hours change a few times a year; the front desk reads them at every check-in.
#: A per-process cache (60 s) spares a query on the hot path; an edit shows within a minute.
_OPENING_TTL = 60.0
_opening_cache: dict[int, tuple[float, tuple[tuple[int, dt.time, dt.time], ...]]] = {}


def opening_periods(mds_id: int) -> tuple[tuple[int, dt.time, dt.time], ...]:
    """(weekday, opens_at, closes_at) of an MDS, from the per-process cache."""
    now = time.monotonic()
    cached = _opening_cache.get(mds_id)
    if cached is not None and cached[0] > now:
        return cached[1]
    periods = tuple(
        OpeningPeriod.objects.filter(mds_id=mds_id).values_list("weekday", "opens_at", "closes_at")
    )
    _opening_cache[mds_id] = (now + _OPENING_TTL, periods)
    return periods


def forget_opening_periods() -> None:
    _opening_cache.clear()


def is_open_at(*, mds_id: int, moment: dt.datetime) -> bool:
    """True when ``moment`` (aware) falls in one of the MDS's opening periods."""
    local = timezone.localtime(moment)
    return any(
        weekday == local.weekday() and opens <= local.time() < closes
        for weekday, opens, closes in opening_periods(mds_id)
    )
