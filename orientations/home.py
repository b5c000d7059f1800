"""The orientations panel of the home pages (registered in ``OrientationsConfig.ready()``):
counts only — waiting for me, to take for my role, my referrals by state. Never a name."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from mds.permissions import current_mds, has_role

from . import selectors
from .models import SENDER_ROLES, TARGET_ROLES


def referral_panel(request: HttpRequest) -> str:
    user = request.user
    if not user.is_authenticated or not has_role(user, *SENDER_ROLES):
        return ""
    mds = current_mds(request, *SENDER_ROLES)
    counts = selectors.home_counts(user=user, mds=mds)
    return render_to_string(
        "orientations/_home_panel.html",
        {"counts": counts, "receives": has_role(user, *TARGET_ROLES)},
        request=request,
    )
