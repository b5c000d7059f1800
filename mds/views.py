"""Project-level views: role-based home, team, MDS switcher, admin home, health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import selectors
from .forms import parse_id
from .health import broker_state, database_state
from .navigation import MDS_ROLES
from .permissions import (
    CURRENT_MDS_SESSION_KEY,
    can_act_in,
    current_mds,
    home_url_names,
    needs_mfa,
    request_user,
    role_required,
)
from .resilient_cache import cache_state
from .roles import Role


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each user to their role's home; explain clearly when they have no role yet."""
    names = home_url_names(request.user)
    if not names:
        return render(request, "mds/no_membership.html", status=403)
    if len(names) == 1:
        return redirect(names[0])
    return render(request, "mds/choose_home.html", {"home_names": names})


@never_cache
@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    """ "Mon compte": who I am, where, and the links to look after my password and second factor.
    Open to every logged-in user, including one who still has to set up TOTP."""
    user = request_user(request)
    factors = selectors.second_factors(user=user)
    return render(
        request,
        "mds/my_account.html",
        {
            "account": user,
            "memberships": selectors.memberships_of(user=user),
            "has_totp": "totp" in factors,
            "has_recovery_codes": "recovery_codes" in factors,
            "mfa_required": needs_mfa(user),
        },
    )


@role_required(*MDS_ROLES, Role.DIRECTION_DEPARTEMENTALE)
def team(request: HttpRequest) -> HttpResponse:
    mds = current_mds(request)
    members = selectors.team_of(user=request.user, mds=mds)
    return render(request, "mds/team.html", {"mds": mds, "members": members})


@require_POST
@login_required
def choose_mds(request: HttpRequest) -> HttpResponse:
    pk = parse_id(request.POST.get("mds"))
    if pk is not None and can_act_in(request.user, pk):
        request.session[CURRENT_MDS_SESSION_KEY] = pk
    else:
        from django.contrib import messages
        from django.utils.translation import gettext as _

        messages.error(request, _("Cette MDS n'existe pas ou ne vous est pas accessible."))
    return redirect("home")


@role_required(Role.ADMIN)
def admin_home(request: HttpRequest) -> HttpResponse:
    return render(request, "mds/admin_home.html", {"counts": selectors.site_counts()})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """JSON whatever happens: called by mds.middleware.HealthzMiddleware before any middleware
    that reads the session or the user (the database may be the thing that is down)."""
    parts = {"database": database_state(), "broker": broker_state(), "cache": cache_state()}
    degraded = [name for name, state in parts.items() if not state["ok"]]
    db_ok = parts["database"]["ok"]
    status = "down" if not db_ok else ("degraded" if degraded else "ok")
    return JsonResponse(
        {"status": status, "degraded": degraded, **parts}, status=200 if db_ok else 503
    )


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``: browsers ask for it whatever the page says (vendored in static/)."""
    from django.conf import settings

    icon = (settings.BASE_DIR / "static" / "favicon.ico").read_bytes()
    response = HttpResponse(icon, content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=604800"
    return response
