"""Reads of the orientations app: the inbox, the sender's list, counts, one referral for one user.

Lists select and prefetch what they show, so a page costs the same number of queries whatever
the data (asserted in tests). Lists never carry the note (see templates): only the detail page,
opened through :func:`access_referral`, shows it, and that read is journaled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accompagnement.models import MediationSession, Usager
from accueil.models import Passage
from mds.models import MDS, User
from mds.permissions import access_for, has_role, scope
from mds.roles import Role

from . import rules
from .models import (
    OPEN_STATES,
    SENDER_ROLES,
    TARGET_ROLES,
    WAITING_STATES,
    Need,
    Partner,
    Permanence,
    Referral,
    ReferralEvent,
    State,
    TargetKind,
)

#: What every list shows; the note is deferred so it never leaves the database for a list.
_LIST_RELATED = ("mds", "sender", "recipient", "partner", "reason_category", "usager")


#: The columns a list shows (a row is then ~10 times narrower than with whole related rows).
_LIST_ONLY = (
    "mds_id",
    "sender_id",
    "sender__first_name",
    "sender__last_name",
    "sender__email",
    "recipient__first_name",
    "recipient__last_name",
    "recipient__email",
    "partner__nom",
    "reason_category__label",
    "usager__display_name",
    "pseudonym",
    "target_kind",
    "target_role",
    "urgency",
    "restricted",
    "state",
    "sent_at",
    "reminded_at",
    "escalated_at",
)


def _list_qs() -> QuerySet[Referral]:
    return (
        Referral.objects.select_related(
            "sender", "recipient", "partner", "reason_category", "usager"
        )
        .only(*_LIST_ONLY)
        .prefetch_related(Prefetch("needs", queryset=Need.objects.order_by("position", "label")))
    )


def _role_inbox_q(user: User | AnonymousUser | None, mds: MDS | None = None) -> Q:
    """Role-targeted referrals not yet taken, for the roles the user holds at each MDS."""
    access = access_for(user)
    q = Q(pk__in=[])
    for role in TARGET_ROLES:
        ids = access.mds_by_role.get(role, frozenset())
        if mds is not None:
            ids = ids & {mds.pk}
        if ids:
            q |= Q(
                target_kind=TargetKind.ROLE,
                recipient__isnull=True,
                target_role=role,
                mds_id__in=sorted(ids),
                restricted=False,
            )
    return q


def visible_referrals(user: User | AnonymousUser | None) -> QuerySet[Referral]:
    """Every referral the user may see (same rule as :func:`orientations.rules.may` VIEW)."""
    if user is None or not user.is_authenticated:
        return Referral.objects.none()
    access = access_for(user)
    q = Q(sender=user) | Q(recipient=user) | _role_inbox_q(user)
    direction_ids = access.mds_by_role.get(Role.DIRECTION, frozenset())
    if direction_ids:
        q |= Q(mds_id__in=sorted(direction_ids))
    return Referral.objects.filter(q)


def inbox(*, user: User, mds: MDS | None = None) -> QuerySet[Referral]:
    """Referrals waiting for the user, or accepted by them and still open: theirs by name, or
    addressed to one of their roles and not taken yet. Oldest and most urgent first."""
    mine = Q(recipient=user, state__in=OPEN_STATES)
    if mds is not None:
        mine &= Q(mds=mds)
    role_q = _role_inbox_q(user, mds) & Q(state__in=WAITING_STATES)
    return _list_qs().filter(mine | role_q).order_by("state", "-urgency", "sent_at", "pk")


def of_mds(*, user: User, mds: MDS, limit: int = 100) -> QuerySet[Referral]:
    """Every referral of the MDS the user may see (the direction: all of them), newest first."""
    visible = visible_referrals(user).filter(mds=mds).values("pk")
    return _list_qs().filter(pk__in=visible).order_by("-sent_at", "-pk")[:limit]


def sent_by(*, user: User, limit: int = 50) -> QuerySet[Referral]:
    """The sender's referrals with their state, newest first."""
    return _list_qs().filter(sender=user).order_by("-sent_at", "-pk")[:limit]


@dataclass(frozen=True)
class HomeCounts:
    """Counts for a home page: never a name, never a note."""

    waiting_for_me: int
    waiting_for_my_roles: int
    sent_by_state: dict[str, int]
    restricted_open_at_mds: int | None  # for the direction only


def home_counts(*, user: User, mds: MDS | None) -> HomeCounts:
    """Two queries (three for a direction): inbox counts, the sender's counts by state."""
    access = access_for(user)
    inbox_counts = Referral.objects.filter(
        Q(recipient=user, state__in=WAITING_STATES)
        | (_role_inbox_q(user, mds) & Q(state__in=WAITING_STATES))
    ).aggregate(
        mine=Count("pk", filter=Q(recipient=user)),
        roles=Count("pk", filter=Q(recipient__isnull=True)),
    )
    by_state = dict(
        Referral.objects.filter(sender=user, state__in=OPEN_STATES)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    restricted = None
    if mds is not None and mds.pk in access.mds_by_role.get(Role.DIRECTION, frozenset()):
        restricted = Referral.objects.filter(
            mds=mds, restricted=True, state__in=OPEN_STATES
        ).count()
    return HomeCounts(
        waiting_for_me=inbox_counts["mine"],
        waiting_for_my_roles=inbox_counts["roles"],
        sent_by_state={str(State(s).label): n for s, n in by_state.items()},
        restricted_open_at_mds=restricted,
    )


def access_referral(user: User, pk: int, action: str = rules.VIEW) -> Referral | None:
    """The referral ``pk`` for ``user`` doing ``action``, or ``None``.

    ``None`` either because it does not exist, or because the user may not (their role, MDS or
    not being the recipient): that refusal is journaled. Views answer 404 in both cases, so an
    id reveals nothing.
    """
    referral = (
        Referral.objects.select_related(*_LIST_RELATED, "decline_reason", "consent_witnessed_by")
        .prefetch_related("needs")
        .filter(pk=pk)
        .first()
    )
    if referral is None:
        return None
    if not rules.may(user, referral, action):
        rules.journal_refusal(actor=user, referral=referral)
        return None
    return referral


def history(referral: Referral) -> QuerySet[ReferralEvent]:
    return referral.events.select_related("by").order_by("at", "pk")


# --------------------------------------------------------------------------------------------
# What a social worker sees of a person: through a referral they accepted
# --------------------------------------------------------------------------------------------


def session_access_days() -> int:
    """Days after a referral closes during which its recipient still sees the person's sessions
    (setting ``REFERRAL_SESSION_ACCESS_DAYS``)."""
    return int(getattr(settings, "REFERRAL_SESSION_ACCESS_DAYS", 30))


def referral_session_filter(user: User, *, now: dt.datetime | None = None) -> Q:
    """Sessions of the people referred to ``user`` and accepted by them, while the referral is
    open (accepted) and for ``REFERRAL_SESSION_ACCESS_DAYS`` after it closed."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=session_access_days())
    usager_ids = (
        Referral.objects.filter(recipient=user, usager__isnull=False, restricted=False)
        .filter(Q(state=State.ACCEPTED) | Q(state=State.CLOSED, closed_at__gte=since))
        .values("usager_id")
    )
    return Q(usager_id__in=usager_ids)


def sessions_visibility(user: User | AnonymousUser | None) -> Q | None:
    """Provider registered into ``accompagnement.selectors.sessions_visible_to``."""
    if user is None or not user.is_authenticated or not has_role(user, Role.TRAVAILLEUR_SOCIAL):
        return None
    return referral_session_filter(user)


def sessions_through_referrals(
    user: User, *, now: dt.datetime | None = None
) -> QuerySet[MediationSession]:
    return MediationSession.objects.filter(referral_session_filter(user, now=now))


# --------------------------------------------------------------------------------------------
# Partner directory
# --------------------------------------------------------------------------------------------


def search_partners(
    *, thematique: str = "", weekday: int | None = None, commune: str = ""
) -> QuerySet[Partner]:
    qs = Partner.objects.filter(is_active=True)
    if thematique:
        qs = qs.filter(thematiques_index__contains=f"|{thematique}|")
    if commune:
        qs = qs.filter(commune__iexact=commune.strip())
    if weekday is not None:
        qs = qs.filter(permanences__weekday=weekday).distinct()
    return qs.prefetch_related(
        Prefetch("permanences", queryset=Permanence.objects.order_by("weekday", "starts_at"))
    ).order_by("nom")


def communes() -> list[str]:
    return list(
        Partner.objects.filter(is_active=True)
        .exclude(commune="")
        .values_list("commune", flat=True)
        .distinct()
        .order_by("commune")
    )


# --- what a referral form points at: each fetched within the sender's MDS (views never query) ---


def sender_usager(*, user: User, mds: MDS, pk: int | None) -> Usager | None:
    """The person a referral is about: one the sender may see, at the MDS they work in."""
    if pk is None:
        return None
    return scope(Usager.objects.all(), user, *SENDER_ROLES).filter(pk=pk, mds=mds).first()


def origin_session(*, user: User, mds: MDS, pk: int) -> MediationSession | None:
    """The mediator's own session the referral comes from (another's is ignored)."""
    return MediationSession.objects.filter(pk=pk, mds=mds, mediator=user).first()


def origin_passage(*, mds: MDS, pk: int) -> Passage | None:
    return Passage.objects.filter(pk=pk, mds=mds).first()


def active_user(pk: str | int) -> User | None:
    """A named recipient; the service checks they work at the MDS in the target role."""
    return User.objects.filter(pk=pk, is_active=True).first()


def partner(pk: str | int, *, active_only: bool = False) -> Partner | None:
    found = Partner.objects.filter(pk=pk)
    return (found.filter(is_active=True) if active_only else found).first()
