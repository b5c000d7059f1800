"""Shared rendering of the role home pages until each app fills its own."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise

from .permissions import current_mds


def render_role_home(
    request: HttpRequest,
    *,
    title: str | Promise,
    intro: str | Promise,
    coming: list[str | Promise],
    roles: tuple[str, ...],
) -> HttpResponse:
    return render(
        request,
        "mds/role_home.html",
        {"title": title, "intro": intro, "coming": coming, "mds": current_mds(request, *roles)},
    )
