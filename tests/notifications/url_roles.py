"""Notifications rows of the URL x role table (the person's usager comes from accompagnement's
context, built before this one)."""

from __future__ import annotations

from typing import Any

from mds.models import MDS
from tests.url_table import Page, R

PAGES: tuple[Page, ...] = (
    Page(
        "notifications:contact",
        frozenset({R.MEDIATEUR}),
        kwargs=lambda ctx: {"pk": ctx["usager"].pk},
    ),
)

PUBLIC: frozenset[str] = frozenset()


def context(mds: MDS) -> dict[str, Any]:
    return {}
