"""Reads of the accueil, always scoped through ``mds.permissions``. Constant query counts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from mds.cache import ttl_cached
from mds.models import MDS, Membership
from mds.models import User as UserModel
from mds.permissions import scope
from mds.roles import Role

from .models import ACTIVE_STATUSES, QUEUE_ROLES, Desk, Language, Motive, Passage, Status

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from mds.models import User


def queue_order(qs: QuerySet[Passage]) -> QuerySet[Passage]:
    """Priority first, then arrival."""
    return qs.annotate(
        priority_rank=Case(
            When(priority="", then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    ).order_by("priority_rank", "arrived_at", "pk")


@ttl_cached(seconds=60)
def active_motives() -> tuple[Motive, ...]:
    """The check-in buttons, in order (per-process cache: read at every check-in)."""
    return tuple(Motive.objects.filter(is_active=True))


def motive_by_code(code: str) -> Motive | None:
    return next((motive for motive in active_motives() if motive.code == code), None)


def active_languages() -> QuerySet[Language]:
    return Language.objects.filter(is_active=True)


#: Professionals a visitor may have an appointment with.
APPOINTMENT_ROLES = (Role.TRAVAILLEUR_SOCIAL, Role.MEDIATEUR, Role.SECRETARIAT)


def appointment_professionals(*, user: User | AnonymousUser, mds: MDS) -> QuerySet[User]:
    """Colleagues of ``mds`` who receive people by appointment (for the check-in form)."""
    memberships = scope(
        Membership.objects.filter(mds=mds, is_active=True, role__in=APPOINTMENT_ROLES), user
    )
    return UserModel.objects.filter(pk__in=memberships.values("user_id"), is_active=True).order_by(
        "last_name", "first_name"
    )


def waiting_list(
    *,
    user: User | AnonymousUser,
    mds: MDS,
    for_role: str | None = None,
    today: dt.date | None = None,
) -> QuerySet[Passage]:
    """Today's active passages of ``mds``, priority first then arrival.

    ``for_role`` narrows to what concerns one professional: passages oriented to their role or
    with an appointment with them.
    """
    qs = Passage.objects.filter(
        mds=mds, day=today or timezone.localdate(), status__in=ACTIVE_STATUSES
    )
    if for_role is not None:
        qs = qs.filter(Q(oriented_to=for_role) | Q(appointment_with=user.pk))
    qs = scope(qs, user, *QUEUE_ROLES)
    return queue_order(qs).select_related("motive", "language")


@dataclass(frozen=True)
class MotiveCount:
    motive: Motive
    waiting: int


@dataclass(frozen=True)
class QueueView:
    """The waiting list as a page shows it: the rows (narrowed to one motive when asked) and
    the counts of people waiting, in all and per motive (always over the whole list)."""

    rows: list[Passage]
    waiting: int
    busy: int
    by_motive: list[MotiveCount]
    motive: Motive | None


def queue_view(
    *,
    user: User | AnonymousUser,
    mds: MDS,
    for_role: str | None = None,
    motive_code: str = "",
    today: dt.date | None = None,
) -> QueueView:
    """One query for the list; the counts and the motive filter are computed from it in
    Python (a day's active passages of one MDS are a few hundred rows at most), so the polled
    rows keep a constant number of queries. An unknown motive code means no filter."""
    passages = list(waiting_list(user=user, mds=mds, for_role=for_role, today=today))
    selected = motive_by_code(motive_code) if motive_code else None
    waiting = Counter(p.motive_id for p in passages if p.status == Status.WAITING)
    return QueueView(
        rows=[p for p in passages if selected is None or p.motive_id == selected.pk],
        waiting=sum(waiting.values()),
        busy=sum(1 for p in passages if p.status != Status.WAITING),
        by_motive=[MotiveCount(m, waiting[m.pk]) for m in active_motives()],
        motive=selected,
    )


def passage_for(*, user: User | AnonymousUser, pk: int) -> Passage | None:
    qs = scope(Passage.objects.filter(pk=pk), user, *QUEUE_ROLES)
    return qs.select_related("motive", "language", "mds").first()


def current_for(*, user: User | AnonymousUser, mds: MDS) -> Passage | None:
    """The person a professional is receiving now, or has just called."""
    mine = scope(Passage.objects.filter(mds=mds), user, *QUEUE_ROLES).select_related("motive")
    return (
        mine.filter(handled_by=user.pk, status=Status.IN_PROGRESS).first()
        or mine.filter(called_by=user.pk, status=Status.CALLED).first()
    )


@dataclass(frozen=True)
class BoardLine:
    ticket: str
    desk: str
    status: str


def board_for(
    *, mds: MDS, today: dt.date | None = None, limit: int = 8, language: str = "fr"
) -> list[BoardLine]:
    """What the waiting-room screen shows: ticket numbers and desks only, never names/motives;
    desk names in ``language`` when the desk's row has a translation (French otherwise)."""
    rows = list(
        Passage.objects.filter(
            mds=mds,
            day=today or timezone.localdate(),
            status__in=(Status.CALLED, Status.IN_PROGRESS),
        )
        .exclude(called_at=None)
        .order_by("-called_at")
        .values_list("ticket_number", "desk", "status")[:limit]
    )
    names: dict[str, str] = {}
    labels = {desk for _number, desk, _status in rows if desk}
    if language != "fr" and labels:
        names = {
            desk.label: desk.label_in(language)
            for desk in Desk.objects.filter(mds=mds, label__in=labels)
        }
    return [
        BoardLine(f"{number:03d}", names.get(desk, desk), status) for number, desk, status in rows
    ]


def desks_of(*, mds: MDS) -> QuerySet[Desk]:
    """The desks offered at the desk page of ``mds`` (suggestions; a new name is accepted)."""
    return Desk.objects.filter(mds=mds, is_active=True)


def waiting_count(*, mds: MDS, today: dt.date | None = None) -> int:
    return Passage.objects.filter(
        mds=mds, day=today or timezone.localdate(), status=Status.WAITING
    ).count()
