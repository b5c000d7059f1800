"""Reads of the dashboards, one module per section. Every function takes validated
:class:`pilotage.forms.Filters` (whose MDS the view has checked against the user's access) and
returns :class:`pilotage.tables.Table` objects whose counts are already protected."""

from __future__ import annotations

from pilotage.forms import Filters
from pilotage.tables import Table

from .accueil import accueil_tables
from .mediation import mediation_tables
from .orientations import orientation_tables
from .overview import comparison
from .publics import publics_tables
from .rgpd import rgpd_tables

SECTIONS = ("ensemble", "accueil", "mediation", "orientations", "publics", "rgpd")


def section_tables(
    section: str, filters: Filters, *, whole_department: bool = False
) -> list[Table]:
    if section == "ensemble":
        return [comparison(filters)]
    if section == "accueil":
        return accueil_tables(filters)
    if section == "mediation":
        return mediation_tables(filters)
    if section == "orientations":
        return orientation_tables(filters)
    if section == "publics":
        return publics_tables(filters)
    if section == "rgpd":
        return rgpd_tables(filters, whole_department=whole_department)
    raise KeyError(section)
