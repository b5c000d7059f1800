"""Reads of the accompagnement app. Every MDS-bound query goes through ``mds.permissions.scope``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Max, Min, Q, QuerySet

from mds.forms import parse_id
from mds.permissions import scope
from mds.roles import Role

from .models import (
    DISPLAY_NAME_MAX,
    ORIGIN_ACCUEIL_QUEUE,
    Atelier,
    Demarche,
    KindOfHelp,
    MediationSession,
    ModeOfHelp,
    Organisme,
    Origin,
    Outcome,
    RelatedRightCheck,
    Usager,
)

if TYPE_CHECKING:
    from mds.models import MDS, User

#: Who sees mediation sessions, and how far (see README "Rôles et permissions"):
#: - médiateur: the sessions of their own MDS;
#: - direction de MDS: their MDS, for aggregates (pilotage shows per-agent figures to that agent
#:   only: that rule belongs to the pilotage views);
#: - direction départementale: every MDS, for aggregates;
#: - travailleur social: a person's sessions through a referral of that person they accepted
#:   (registered by orientations, see ``register_session_visibility``);
#: - accueil, secrétariat: none; admin and DPO go through the admin and the rgpd pages.
SESSION_READER_ROLES: tuple[str, ...] = (
    Role.MEDIATEUR,
    Role.DIRECTION,
    Role.DIRECTION_DEPARTEMENTALE,
)


#: Extra ways to see sessions, registered by upper apps in ``AppConfig.ready()`` (this app never
#: imports them): orientations opens a person's sessions to the social worker who accepted a
#: referral of that person. A provider returns a filter, or ``None`` when it grants nothing.
SessionVisibility = Callable[["User | AnonymousUser | None"], "Q | None"]
_SESSION_VISIBILITY: dict[str, SessionVisibility] = {}


def register_session_visibility(name: str, provider: SessionVisibility) -> None:
    _SESSION_VISIBILITY[name] = provider


def sessions_visible_to(user: User | AnonymousUser | None) -> QuerySet[MediationSession]:
    sessions = MediationSession.objects.select_related(
        "mediator", "origin", "outcome", "usager", "mds"
    )
    visible = scope(sessions, user, *SESSION_READER_ROLES)
    for provider in _SESSION_VISIBILITY.values():
        extra = provider(user)
        if extra is not None:
            visible = visible | sessions.filter(extra)
    return visible


def usagers_visible_to(user: User | AnonymousUser | None) -> QuerySet[Usager]:
    """Usager profiles a mediator may open (their MDS)."""
    return scope(Usager.objects.all(), user, Role.MEDIATEUR)


#: How many people a search shows at most.
MAX_SEARCH_RESULTS = 50


def search_usagers(
    queryset: QuerySet[Usager], query: str, *, limit: int = MAX_SEARCH_RESULTS
) -> QuerySet[Usager]:
    """The one usager search (mediator's list, vault, DPO): by name, or by number.

    Empty query → nothing. The number goes through :func:`mds.forms.parse_id` ("²" or "٣" are
    digits to ``str.isdigit()`` but not to ``int()``); the search box caps the length.
    """
    query = (query or "").strip()
    if not query:
        return queryset.none()
    condition = Q(display_name__icontains=query)
    pk = parse_id(query)
    if pk is not None:
        condition |= Q(pk=pk)
    return queryset.filter(condition).order_by("display_name", "pk")[:limit]


def follow_ups_due(*, mediator: User, today: dt.date) -> QuerySet[MediationSession]:
    """The mediator's own sessions still to follow: next date reached, or a file to continue.

    A session is due when its outcome needs a follow-up ("à poursuivre", "pièces manquantes"),
    the follow-up is not closed (closing it, or logging a later session for the same usager,
    does) and its next appointment is today or past, or not set.
    """
    return (
        scope(MediationSession.objects.all(), mediator, Role.MEDIATEUR)
        .filter(mediator=mediator, follow_up_done=False, outcome__needs_follow_up=True)
        .filter(Q(next_appointment__isnull=True) | Q(next_appointment__lte=today))
        .select_related("usager", "outcome", "origin")
        .order_by(F("next_appointment").asc(nulls_first=True), "date", "pk")
    )


def upcoming_appointments(*, mediator: User, today: dt.date) -> QuerySet[MediationSession]:
    """The mediator's next dates still to come (#13): the "à poursuivre" sessions whose next
    appointment is after today and whose follow-up is open. On its day a date moves to
    :func:`follow_ups_due`, so each session is in one list at a time."""
    return (
        scope(MediationSession.objects.all(), mediator, Role.MEDIATEUR)
        .filter(mediator=mediator, follow_up_done=False, next_appointment__gt=today)
        .select_related("usager", "outcome")
        .order_by("next_appointment", "pk")
    )


def usager_upcoming(
    user: User | AnonymousUser | None, usager: Usager, *, today: dt.date
) -> QuerySet[MediationSession]:
    """A person's next appointments (today included), among the sessions ``user`` may see."""
    return (
        sessions_visible_to(user)
        .filter(usager=usager, follow_up_done=False, next_appointment__gte=today)
        .select_related("mediator")
        .order_by("next_appointment", "pk")
    )


@dataclass(frozen=True)
class TrajectoryPoint:
    """One session on the person's trajectory: the most and least autonomous modes used."""

    session_id: int
    date: dt.date
    most_autonomous: ModeOfHelp
    least_autonomous: ModeOfHelp


def mode_trajectory(*, usager: Usager) -> list[TrajectoryPoint]:
    """The person's sessions in time order with their modes of help (level 1 = laisser faire,
    5 = faire pour): the product exists to make this go from *faire pour* toward autonomy."""
    rows = (
        MediationSession.objects.filter(usager=usager)
        .annotate(
            most=Min("demarches__mode_of_help"),
            least=Max("demarches__mode_of_help"),
        )
        .filter(most__isnull=False)
        .order_by("date", "created_at", "pk")
        .values_list("pk", "date", "most", "least")
    )
    return [
        TrajectoryPoint(
            session_id=pk,
            date=date,
            most_autonomous=ModeOfHelp(most),
            least_autonomous=ModeOfHelp(least),
        )
        for pk, date, most, least in rows
    ]


@dataclass(frozen=True)
class Shortcut:
    """A recent organisme × kind pair, offered as a one-tap choice in the session form."""

    organisme: Organisme | None
    kind_of_help: KindOfHelp

    @property
    def label(self) -> str:
        if self.organisme is None:
            return str(self.kind_of_help)
        return f"{self.organisme} — {self.kind_of_help}"


def last_choices(*, mediator: User, limit: int = 5) -> list[Shortcut]:
    """The mediator's most recent distinct organisme/kind pairs (still offered), newest first."""
    recent = (
        Demarche.objects.filter(session__mediator=mediator, kind_of_help__is_active=True)
        .filter(Q(organisme__isnull=True) | Q(organisme__is_active=True))
        .order_by("-session__created_at", "-pk")
        .values_list("organisme_id", "kind_of_help_id")[: limit * 10]
    )
    pairs: list[tuple[int | None, int]] = []
    for pair in recent:
        if pair not in pairs:
            pairs.append(pair)
        if len(pairs) == limit:
            break
    organismes = Organisme.objects.in_bulk([o for o, _k in pairs if o is not None])
    kinds = KindOfHelp.objects.in_bulk([k for _o, k in pairs])
    return [
        Shortcut(organisme=organismes.get(o) if o is not None else None, kind_of_help=kinds[k])
        for o, k in pairs
    ]


def ateliers_visible_to(user: User | AnonymousUser | None) -> QuerySet[Atelier]:
    return scope(Atelier.objects.select_related("animator"), user, *SESSION_READER_ROLES)


def right_checks_visible_to(user: User | AnonymousUser | None) -> QuerySet[RelatedRightCheck]:
    return scope(
        RelatedRightCheck.objects.select_related("session", "right"),
        user,
        Role.MEDIATEUR,
        mds_field="session__mds",
    )


# --- what the mediator's pages read (views never query models themselves) -------------------


def session_form_defaults(*, from_passage: bool) -> dict[str, Any]:
    """The common case of the session form: done; "from the accueil queue" for a ticket."""
    defaults: dict[str, Any] = {"outcome": Outcome.objects.filter(code="fait").first()}
    if from_passage:
        defaults["origin"] = Origin.objects.filter(code=ORIGIN_ACCUEIL_QUEUE).first()
    return defaults


def usager_for(user: User | AnonymousUser | None, pk: int) -> Usager | None:
    """One usager profile the user may open, or ``None``."""
    return usagers_visible_to(user).filter(pk=pk).select_related("mds").first()


def usagers_of(user: User | AnonymousUser | None, mds: MDS, query: str) -> QuerySet[Usager]:
    """The usager list of an MDS: the search results, or the first names when no query."""
    usagers = usagers_visible_to(user).filter(mds=mds)
    if query:
        return search_usagers(usagers, query)
    return usagers.order_by("display_name", "pk")[:MAX_SEARCH_RESULTS]


def recent_sessions(*, mediator: User, mds: MDS, limit: int = 10) -> QuerySet[MediationSession]:
    """The mediator's own latest sessions in ``mds``."""
    return (
        sessions_visible_to(mediator)
        .filter(mds=mds, mediator=mediator)
        .order_by("-date", "-created_at")[:limit]
    )


def usager_history(user: User | AnonymousUser | None, usager: Usager) -> QuerySet[MediationSession]:
    """A person's sessions, newest first, with what the person page shows (constant queries)."""
    return (
        sessions_visible_to(user)
        .filter(usager=usager)
        .prefetch_related("demarches__organisme", "demarches__kind_of_help", "right_checks__right")
        .order_by("-date", "-created_at")
    )


def own_session(*, mediator: User, pk: int) -> MediationSession | None:
    """A session the mediator logged themself (only its author closes its follow-up)."""
    return sessions_visible_to(mediator).filter(pk=pk, mediator=mediator).first()


def right_check_for(user: User | AnonymousUser | None, pk: int) -> RelatedRightCheck | None:
    return right_checks_visible_to(user).filter(pk=pk).first()


def ateliers_of(user: User | AnonymousUser | None, mds: MDS, limit: int = 50) -> QuerySet[Atelier]:
    return ateliers_visible_to(user).filter(mds=mds).order_by("-date", "-pk")[:limit]


#: How many people the session form's picker lists: enough to choose, few enough for a tablet.
PICKER_RESULTS = 8


@dataclass(frozen=True)
class UsagerPicker:
    """What the session form's person picker shows: the search, its first results, the person
    already chosen (kept even when the search no longer finds them)."""

    query: str
    results: list[Usager]
    selected: Usager | None
    more: bool  # more matches than shown: refine the search

    @property
    def choices(self) -> list[Usager]:
        if self.selected is None or any(u.pk == self.selected.pk for u in self.results):
            return self.results
        return [self.selected, *self.results]


def usager_picker(
    user: User | AnonymousUser | None,
    mds: MDS,
    *,
    query: str,
    selected: object = None,
    limit: int = PICKER_RESULTS,
) -> UsagerPicker:
    """Two queries at most, whatever the number of profiles: the search (``limit`` + 1 rows,
    to know whether there are more) and the chosen person."""
    query = (query or "").strip()[:DISPLAY_NAME_MAX]
    usagers = usagers_visible_to(user).filter(mds=mds)
    found = list(search_usagers(usagers, query, limit=limit + 1)) if query else []
    chosen = None
    pk = parse_id(str(selected)) if selected not in (None, "") else None
    if pk is not None:
        chosen = (
            next((u for u in found[:limit] if u.pk == pk), None) or usagers.filter(pk=pk).first()
        )
    return UsagerPicker(
        query=query, results=found[:limit], selected=chosen, more=len(found) > limit
    )
