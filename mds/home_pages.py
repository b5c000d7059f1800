"""Shared rendering of the role home pages, and the panels other apps add to home pages.

A domain app shows something on the home pages (e.g. orientations: "2 orientations vous
attendent") by registering a panel in its ``AppConfig.ready()`` with
:func:`register_home_panel`; home templates render them with ``{% load home %}{% home_panels %}``.
``mds`` never imports the apps above it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.safestring import SafeString

from .permissions import current_mds

#: A panel renders itself for a request, or returns "" when it has nothing for this user.
HomePanel = Callable[[HttpRequest], str]
_PANELS: dict[str, HomePanel] = {}


def register_home_panel(name: str, panel: HomePanel) -> None:
    """Register (or replace, by name) a panel shown on the role home pages."""
    _PANELS[name] = panel


def home_panels(request: HttpRequest) -> list[SafeString]:
    return [SafeString(html) for panel in _PANELS.values() if (html := panel(request))]


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
