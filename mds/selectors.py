"""Reads of the project package, always scoped by the permission module."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from .cache import ttl_cached
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


def memberships_of(*, user: User) -> QuerySet[Membership]:
    """The user's own active roles and their MDS (the "Mon compte" page)."""
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("mds")
        .order_by("role", "mds__name")
    )


def second_factors(*, user: User) -> frozenset[str]:
    """The kinds of second factor the user has set up ("totp", "recovery_codes")."""
    from allauth.mfa.models import Authenticator

    return frozenset(Authenticator.objects.filter(user=user).values_list("type", flat=True))


def site_counts() -> dict[str, int]:
    return {
        "mds": MDS.objects.filter(is_active=True).count(),
        "users": User.objects.filter(is_active=True).count(),
        "memberships": Membership.objects.filter(is_active=True).count(),
    }


@ttl_cached(seconds=60)
def opening_periods(mds_id: int) -> tuple[tuple[int, dt.time, dt.time], ...]:
    """(weekday, opens_at, closes_at) of an MDS, from the per-process cache (see mds.cache)."""
    return tuple(
        OpeningPeriod.objects.filter(mds_id=mds_id).values_list("weekday", "opens_at", "closes_at")
    )


def is_open_at(*, mds_id: int, moment: dt.datetime) -> bool:
    """True when ``moment`` (aware) falls in one of the MDS's opening periods."""
    local = timezone.localtime(moment)
    return any(
        weekday == local.weekday() and opens <= local.time() < closes
        for weekday, opens, closes in opening_periods(mds_id)
    )
