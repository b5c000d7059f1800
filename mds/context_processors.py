"""Navigation shown to each role: only what that role may use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .navigation import menu_for
from .permissions import current_mds, reachable_sites


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "current_mds": None, "mds_choices": [], "idle_seconds": None}
    mds_choices = reachable_sites(user)
    return {
        # the shared accueil tablet reloads itself when idle; the server then logs it out
        "idle_seconds": request.session.get("tablet_idle_seconds"),
        "nav_items": menu_for(user, request.path),
        "current_mds": current_mds(request) if mds_choices else None,
        "mds_choices": mds_choices if len(mds_choices) > 1 else [],
    }
