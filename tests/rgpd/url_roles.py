"""RGPD rows of the URL x role table."""

from __future__ import annotations

from typing import Any

from mds.models import MDS
from tests.url_table import Page, R

PAGES: tuple[Page, ...] = (Page("rgpd:home", frozenset({R.DPO})),)

PUBLIC: frozenset[str] = frozenset()


def context(mds: MDS) -> dict[str, Any]:
    return {}
