"""The menu: each entry names the roles that may use it. Later issues add their entries here."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .permissions import has_role
from .roles import Role


@dataclass(frozen=True)
class NavEntry:
    label: str | Promise
    url_name: str
    roles: frozenset[str]


MDS_ROLES = frozenset(
    {Role.ACCUEIL, Role.MEDIATEUR, Role.TRAVAILLEUR_SOCIAL, Role.SECRETARIAT, Role.DIRECTION}
)

NAV: tuple[NavEntry, ...] = (
    NavEntry(_("File d'attente"), "accueil:home", frozenset({Role.ACCUEIL})),
    NavEntry(_("Nouvel arrivant"), "accueil:checkin", frozenset({Role.ACCUEIL, Role.SECRETARIAT})),
    NavEntry(
        _("Appeler"),
        "accueil:desk",
        frozenset({Role.SECRETARIAT, Role.MEDIATEUR, Role.TRAVAILLEUR_SOCIAL}),
    ),
    NavEntry(_("Médiation"), "accompagnement:mediateur_home", frozenset({Role.MEDIATEUR})),
    NavEntry(_("Coffre"), "rgpd:vault_home", frozenset({Role.MEDIATEUR})),
    NavEntry(_("Personnes"), "accompagnement:usagers", frozenset({Role.MEDIATEUR})),
    NavEntry(_("Ateliers"), "accompagnement:ateliers", frozenset({Role.MEDIATEUR})),
    NavEntry(
        _("Orientations"),
        "orientations:inbox",
        frozenset({Role.TRAVAILLEUR_SOCIAL, Role.MEDIATEUR, Role.SECRETARIAT}),
    ),
    NavEntry(_("Orientations"), "orientations:overview", frozenset({Role.DIRECTION})),
    NavEntry(_("Annuaire"), "orientations:directory", MDS_ROLES - {Role.ACCUEIL}),
    NavEntry(
        _("Pilotage"),
        "pilotage:home",
        frozenset({Role.DIRECTION, Role.DIRECTION_DEPARTEMENTALE, Role.ADMIN}),
    ),
    NavEntry(_("Mon activité"), "pilotage:my_activity", frozenset({Role.MEDIATEUR})),
    NavEntry(_("RGPD"), "rgpd:home", frozenset({Role.DPO})),
    NavEntry(_("Chiffres RGPD"), "pilotage:rgpd", frozenset({Role.DPO})),
    NavEntry(_("Administration"), "mds:admin_home", frozenset({Role.ADMIN})),
    NavEntry(_("Équipe"), "mds:team", MDS_ROLES | {Role.DIRECTION_DEPARTEMENTALE}),
)


@dataclass(frozen=True)
class MenuItem:
    label: str | Promise
    url: str
    active: bool


def menu_for(user: object, path: str) -> list[MenuItem]:
    if isinstance(user, AnonymousUser):
        return []
    allowed = [
        (entry.label, reverse(entry.url_name))
        for entry in NAV
        if has_role(user, *entry.roles)  # type: ignore[arg-type]
    ]
    # The current entry is the one whose URL is the longest prefix of the path.
    matching = [url for _label, url in allowed if path.startswith(url)]
    current = max(matching, key=len) if matching else None
    return [MenuItem(label, url, url == current) for label, url in allowed]
