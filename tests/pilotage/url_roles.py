"""Pilotage rows of the URL x role table: dashboards for the direction (MDS and departmental)
and the administrator, the RGPD figures for the DPO, "Mon activité" for the mediator only."""

from __future__ import annotations

from typing import Any

from mds.models import MDS
from tests.url_table import Page, R

DASHBOARD = frozenset({R.DIRECTION, R.DIRECTION_DEPARTEMENTALE, R.ADMIN})


def _table(section: str, name: str, fmt: str) -> Any:
    return lambda ctx: {"section": section, "name": name, "fmt": fmt}


PAGES: tuple[Page, ...] = (
    Page("pilotage:home", DASHBOARD),
    Page("pilotage:accueil", DASHBOARD),
    Page("pilotage:mediation", DASHBOARD),
    Page("pilotage:orientations", DASHBOARD),
    Page("pilotage:publics", DASHBOARD),
    Page("pilotage:bilan", DASHBOARD),
    Page("pilotage:export", DASHBOARD, kwargs=_table("accueil", "motifs", "csv")),
    Page("pilotage:export", DASHBOARD, kwargs=_table("orientations", "delais", "xlsx")),
    Page("pilotage:coop_export", DASHBOARD, kwargs=lambda ctx: {"fmt": "csv"}),
    Page("pilotage:rgpd", frozenset({R.DPO})),
    Page(
        "pilotage:rgpd_export",
        frozenset({R.DPO}),
        kwargs=lambda ctx: {"name": "journal", "fmt": "xlsx"},
    ),
    Page("pilotage:my_activity", frozenset({R.MEDIATEUR})),
)

PUBLIC: frozenset[str] = frozenset()


def context(mds: MDS) -> dict[str, Any]:
    return {}
