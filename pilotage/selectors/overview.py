"""The side-by-side comparison of MDS (departmental roles, or a director of several MDS)."""

from __future__ import annotations

from typing import Any

from pilotage.forms import Filters
from pilotage.privacy import protect_series, protect_share, protect_stat
from pilotage.tables import Table

from . import accueil, mediation
from .common import minutes


def comparison(
    filters: Filters,
    passages: dict[int | None, dict[str, Any]] | None = None,
    sessions: dict[int | None, dict[str, Any]] | None = None,
) -> Table:
    """One row per MDS; ``passages`` and ``sessions`` are the figures already read for the page
    (:func:`accueil.figures`, :func:`mediation.figures`), read here when not given."""
    passages = passages if passages is not None else accueil.figures(filters)
    sessions = sessions if sessions is not None else mediation.figures(filters)
    sites = list(filters.sites)
    passage_cells = protect_series([passages.get(s.pk, {}).get("total", 0) for s in sites])
    left_cells = protect_series([passages.get(s.pk, {}).get("left", 0) for s in sites])
    session_cells = protect_series([sessions.get(s.pk, {}).get("sessions", 0) for s in sites])
    avec_cells = protect_series([sessions.get(s.pk, {}).get("avec", 0) for s in sites])
    pour_cells = protect_series([sessions.get(s.pk, {}).get("pour", 0) for s in sites])
    rows: list[list[Any]] = []
    for i, site in enumerate(sites):
        p = passages.get(site.pk, {})
        m = sessions.get(site.pk, {})
        seen = p.get("seen", 0)
        rows.append(
            [
                site.name,
                passage_cells[i],
                protect_stat(minutes(p.get("median")), seen),
                protect_stat(minutes(p.get("p90")), seen),
                protect_share(left_cells[i], p.get("total", 0)),
                session_cells[i],
                protect_share(avec_cells[i], m.get("total", 0)),
                protect_share(pour_cells[i], m.get("total", 0)),
            ]
        )
    return Table("ensemble/comparaison", rows)
