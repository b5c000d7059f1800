"""Tablet mode: the shared accueil tablet logs out by itself after an idle time set per MDS."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from mds.permissions import current_mds, has_role
from mds.roles import Role

LAST_SEEN = "tablet_last_seen"
IDLE_LIMIT = "tablet_idle_seconds"
#: Header sent by automatic refreshes (queue polling): they must not count as activity.
POLL_HEADER = "HTTP_X_POLL"


def idle_limit_seconds(request: HttpRequest) -> int | None:
    """Idle limit for this session, read once from the agent's MDS; None when not a tablet."""
    if IDLE_LIMIT not in request.session:
        limit = None
        if has_role(request.user, Role.ACCUEIL):
            mds = current_mds(request, Role.ACCUEIL)
            limit = (mds.idle_logout_minutes if mds else 10) * 60
        request.session[IDLE_LIMIT] = limit
    value = request.session[IDLE_LIMIT]
    return int(value) if value else None


class TabletIdleLogoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.path.startswith("/static/"):
            limit = idle_limit_seconds(request)
            if limit:
                now = time.time()
                last = request.session.get(LAST_SEEN, now)
                if now - last > limit:
                    logout(request)
                    messages.info(
                        request,
                        _("Déconnexion après %(n)d minutes d'inactivité sur la tablette.")
                        % {"n": limit // 60},
                    )
                    response = redirect("account_login")
                    if request.headers.get("HX-Request"):
                        response["HX-Redirect"] = response["Location"]
                    return response
                # Write the session only every 15 s: one less UPDATE on most requests.
                if not request.META.get(POLL_HEADER) and (
                    LAST_SEEN not in request.session or now - last > 15
                ):
                    request.session[LAST_SEEN] = now
        return self.get_response(request)
