"""The one permission module: who may reach which page and see which rows.

Every view declares the roles it serves with :func:`role_required` (or :class:`RoleRequiredMixin`)
and every queryset that holds MDS-bound data goes through :func:`scope`. A user's access is read
once per request from their active memberships (one query) and cached on the user object.

Rules:
- a role given for an MDS reaches that MDS's rows only;
- a departmental role (direction départementale, admin, DPO) reaches every MDS;
- no role → nothing (``qs.none()``), never "everything by default".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from django.contrib.auth.mixins import AccessMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from .roles import DEPARTMENTAL_ROLES, MFA_REQUIRED_ROLES, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import MDS, User

_CACHE_ATTR = "_mds_access"
CURRENT_MDS_SESSION_KEY = "current_mds_id"

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Access:
    """What one user may reach: for each role, the MDS ids (or every MDS for departmental roles)."""

    mds_by_role: dict[str, frozenset[int]] = field(default_factory=dict)
    departmental_roles: frozenset[str] = frozenset()
    # the user's own (active) MDS, read with the memberships: pages need no extra query
    sites: dict[int, MDS] = field(default_factory=dict)

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(self.mds_by_role) | self.departmental_roles

    def mds_ids(self, roles: Iterable[str]) -> frozenset[int] | None:
        """MDS ids reachable through any of ``roles``; ``None`` means every MDS."""
        wanted = set(roles)
        if wanted & self.departmental_roles:
            return None
        ids: set[int] = set()
        for role in wanted:
            ids |= self.mds_by_role.get(role, frozenset())
        return frozenset(ids)


NO_ACCESS = Access()


def access_for(user: User | AnonymousUser | None) -> Access:
    if user is None or not user.is_authenticated or not user.is_active:
        return NO_ACCESS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    from .models import Membership

    by_role: dict[str, set[int]] = {}
    departmental: set[str] = set()
    sites: dict[int, MDS] = {}
    for membership in Membership.objects.filter(user=user, is_active=True).select_related("mds"):
        site = membership.mds
        if membership.role in DEPARTMENTAL_ROLES and site is None:
            departmental.add(membership.role)
        elif site is not None and site.is_active:  # a closed MDS gives no access
            by_role.setdefault(membership.role, set()).add(site.pk)
            sites[site.pk] = site
    access = Access(
        mds_by_role={role: frozenset(ids) for role, ids in by_role.items()},
        departmental_roles=frozenset(departmental),
        sites=sites,
    )
    setattr(user, _CACHE_ATTR, access)
    return access


def forget_access(user: User) -> None:
    """Drop the cached access after memberships change within the same request."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_of(user: User | AnonymousUser | None) -> frozenset[str]:
    return access_for(user).roles


def has_role(user: User | AnonymousUser | None, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def needs_mfa(user: User | AnonymousUser | None) -> bool:
    """TOTP is mandatory for sensitive roles, and for any account flagged staff or superuser."""
    if user is not None and user.is_authenticated and (user.is_staff or user.is_superuser):
        return True
    return has_role(user, *MFA_REQUIRED_ROLES)


def scope(
    qs: QuerySet[M],
    user: User | AnonymousUser | None,
    *roles: str,
    mds_field: str = "mds",
) -> QuerySet[M]:
    """Restrict ``qs`` to the rows the user reaches through ``roles`` (all roles when none given).

    ``mds_field`` is the lookup path from the model to its MDS (``"mds"``, ``"passage__mds"``…).
    """
    access = access_for(user)
    wanted = roles or tuple(access.roles)
    if not access.roles & set(wanted):
        return qs.none()
    ids = access.mds_ids(wanted)
    if ids is None:
        return qs
    return qs.filter(**{f"{mds_field}__in": ids})


def visible_mds(user: User | AnonymousUser | None, *roles: str) -> QuerySet[MDS]:
    from .models import MDS

    return scope(MDS.objects.filter(is_active=True), user, *roles, mds_field="pk")


def can_act_in(user: User | AnonymousUser | None, mds_id: int, *roles: str) -> bool:
    """True when one of ``roles`` gives the user this MDS (departmental roles give every MDS)."""
    access = access_for(user)
    ids = access.mds_ids(roles or access.roles)
    if not access.roles & set(roles or access.roles):
        return False
    return ids is None or mds_id in ids


def reachable_sites(user: User | AnonymousUser | None, *roles: str) -> list[MDS]:
    """The MDS the user reaches through ``roles`` (all their roles when none), by name.

    Read from the cached access for site roles (no query); departmental roles query every MDS.
    """
    access = access_for(user)
    wanted = roles or tuple(access.roles)
    if not access.roles & set(wanted):
        return []
    ids = access.mds_ids(wanted)
    if ids is None:
        return list(visible_mds(user, *wanted))
    return sorted((access.sites[i] for i in ids), key=lambda site: site.name)


def current_mds(request: HttpRequest, *roles: str) -> MDS | None:
    """The MDS the user works in now: the one chosen in the session if still allowed, else the
    first reachable one (by name). ``None`` for a user who reaches no MDS."""
    choices = reachable_sites(request.user, *roles)
    chosen = request.session.get(CURRENT_MDS_SESSION_KEY)
    for site in choices:
        if site.pk == chosen:
            return site
    return choices[0] if choices else None


def current_mds_or_404(request: HttpRequest, *roles: str) -> MDS:
    """:func:`current_mds` for a view that needs one: a user who reaches none gets a 404."""
    mds = current_mds(request, *roles)
    if mds is None:
        raise Http404
    return mds


def request_user(request: HttpRequest) -> User:
    """The logged-in user of a view behind ``role_required`` (typed for the services)."""
    from .models import User  # mds.models is loaded by then; a top import would be circular

    user = request.user
    assert isinstance(user, User)
    return user


# Where each role lands after login. Ordered: a user with several roles lands on the first.
HOME_BY_ROLE: dict[str, str] = {
    Role.ACCUEIL: "accueil:home",
    Role.MEDIATEUR: "accompagnement:mediateur_home",
    Role.TRAVAILLEUR_SOCIAL: "orientations:inbox",
    Role.SECRETARIAT: "accueil:desk",
    Role.DIRECTION: "pilotage:home",
    Role.DIRECTION_DEPARTEMENTALE: "pilotage:home",
    Role.DPO: "rgpd:home",
    Role.ADMIN: "mds:admin_home",
}


def home_url_names(user: User | AnonymousUser | None) -> list[str]:
    roles = roles_of(user)
    names: list[str] = []
    for role, name in HOME_BY_ROLE.items():
        if role in roles and name not in names:
            names.append(name)
    return names


ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def role_required(*roles: str) -> Callable[[ViewFunc], ViewFunc]:
    """Login required, then one of ``roles`` required (403 otherwise)."""
    if not roles:
        raise ValueError("role_required needs at least one role")

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied("role")
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = frozenset(roles)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


class RoleRequiredMixin(AccessMixin):
    """Class-based twin of :func:`role_required`: set ``allowed_roles``."""

    allowed_roles: tuple[str, ...] = ()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.allowed_roles or not has_role(request.user, *self.allowed_roles):
            raise PermissionDenied("role")
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
