"""Reads of the project package, always scoped by the permission module."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import MDS, Membership, User
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
