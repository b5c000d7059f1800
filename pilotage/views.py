"""Thin views of the dashboards: validate the filters against the user's MDS, call the
selectors, render or export. Who sees what:

- direction (de MDS): its MDS (several MDS side by side if it directs several);
- direction départementale and administrateur: every MDS, side by side;
- DPO: the RGPD section only, every MDS;
- médiateur: "Mon activité" — its own figures, never a colleague's, never a dashboard;
- any other role: nothing here (403).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mds.models import MDS
from mds.permissions import has_role, reachable_sites, role_required
from mds.roles import Role

from . import exports
from .forms import BilanForm, FilterForm, Filters
from .selectors import accueil as accueil_selectors
from .selectors import mediation as mediation_selectors
from .selectors import section_tables
from .selectors.accueil import accueil_tables
from .selectors.common import tuned
from .selectors.mediation import mediation_tables
from .selectors.overview import comparison
from .selectors.publics import publics_tables
from .tables import SPECS, Table

DASHBOARD_ROLES = (Role.DIRECTION, Role.DIRECTION_DEPARTEMENTALE, Role.ADMIN)
DEPARTMENT_WIDE = (Role.DIRECTION_DEPARTEMENTALE, Role.ADMIN, Role.DPO)

#: (section, title, refinements offered by the filter form)
SECTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "ensemble": ("Vue d'ensemble", ()),
    "accueil": ("Accueil", ("motif",)),
    "mediation": ("Médiation numérique", ("organisme", "aide", "mode")),
    "orientations": ("Orientations", ()),
    "publics": ("Publics", ("organisme", "aide", "mode")),
    "rgpd": ("RGPD", ()),
}
TABS = ("ensemble", "accueil", "mediation", "orientations", "publics")


def _form(request: HttpRequest, section: str, roles: tuple[str, ...]) -> tuple[FilterForm, Filters]:
    sites = reachable_sites(request.user, *roles)
    if not sites:
        raise PermissionDenied("mds")
    form = FilterForm(request.GET or None, sites=sites, fields=SECTIONS[section][1])
    return form, form.filters(today=timezone.localdate())


def _is_department_wide(request: HttpRequest, filters: Filters) -> bool:
    """The whole Département is in scope (then journal entries without an MDS count too)."""
    return (
        has_role(request.user, *DEPARTMENT_WIDE)
        and len(filters.sites) == MDS.objects.filter(is_active=True).count()
    )


def _render(
    request: HttpRequest,
    section: str,
    form: FilterForm,
    filters: Filters,
    tables: list[Table],
    *,
    export_url: str,
) -> HttpResponse:
    query = request.GET.urlencode()
    return render(
        request,
        "pilotage/section.html",
        {
            "section": section,
            "title": SECTIONS[section][0],
            "tabs": [(name, SECTIONS[name][0]) for name in TABS] if section != "rgpd" else [],
            "form": form,
            "filters": filters,
            "tables": tables,
            "query": query,
            "export_url": export_url,
            "computed_at": timezone.localtime(),
        },
    )


def _section_view(request: HttpRequest, section: str) -> HttpResponse:
    form, filters = _form(request, section, DASHBOARD_ROLES)
    with tuned():
        tables = _section_tables(section, filters)
    return _render(request, section, form, filters, tables, export_url="pilotage:export")


def _section_tables(section: str, filters: Filters) -> list[Table]:
    if section == "ensemble":
        passages = accueil_selectors.figures(filters)
        sessions = mediation_selectors.figures(filters)
        tables = [
            accueil_selectors.figures_table(passages[None]),
            mediation_selectors.figures_table(sessions[None]),
        ]
        if filters.compare:
            tables.insert(0, comparison(filters, passages, sessions))
    else:
        tables = section_tables(section, filters)
    return tables


@role_required(*DASHBOARD_ROLES)
def home(request: HttpRequest) -> HttpResponse:
    return _section_view(request, "ensemble")


@role_required(*DASHBOARD_ROLES)
def accueil(request: HttpRequest) -> HttpResponse:
    return _section_view(request, "accueil")


@role_required(*DASHBOARD_ROLES)
def mediation(request: HttpRequest) -> HttpResponse:
    return _section_view(request, "mediation")


@role_required(*DASHBOARD_ROLES)
def orientations(request: HttpRequest) -> HttpResponse:
    return _section_view(request, "orientations")


@role_required(*DASHBOARD_ROLES)
def publics(request: HttpRequest) -> HttpResponse:
    return _section_view(request, "publics")


@role_required(Role.DPO)
def rgpd(request: HttpRequest) -> HttpResponse:
    form, filters = _form(request, "rgpd", (Role.DPO,))
    with tuned():
        whole = _is_department_wide(request, filters)
        tables = section_tables("rgpd", filters, whole_department=whole)
    return _render(request, "rgpd", form, filters, tables, export_url="pilotage:rgpd_export")


def _export(
    request: HttpRequest, section: str, name: str, fmt: str, roles: tuple[str, ...]
) -> HttpResponse:
    slug = f"{section}/{name}"
    if slug not in SPECS or fmt not in ("csv", "xlsx") or section not in SECTIONS:
        raise Http404
    form, filters = _form(request, section, roles)
    if request.GET and not form.is_valid():
        return render(request, "pilotage/export_error.html", {"form": form}, status=400)
    with tuned():
        whole = section == "rgpd" and _is_department_wide(request, filters)
        tables = section_tables(section, filters, whole_department=whole)
    for table in tables:
        if table.slug == slug:
            return exports.table_response(table, filters, fmt)
    raise Http404


@role_required(*DASHBOARD_ROLES)
def export(request: HttpRequest, section: str, name: str, fmt: str) -> HttpResponse:
    if section == "rgpd":
        raise Http404
    return _export(request, section, name, fmt, DASHBOARD_ROLES)


@role_required(Role.DPO)
def rgpd_export(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    return _export(request, "rgpd", name, fmt, (Role.DPO,))


@role_required(*DASHBOARD_ROLES)
def coop_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    form, filters = _form(request, "mediation", DASHBOARD_ROLES)
    if request.GET and not form.is_valid():
        return render(request, "pilotage/export_error.html", {"form": form}, status=400)
    return exports.coop_response(filters, fmt)  # type: ignore[return-value]


def _month_end(month: dt.date) -> dt.date:
    following = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


@role_required(*DASHBOARD_ROLES)
def bilan(request: HttpRequest) -> HttpResponse:
    """The monthly activity report of one MDS, made to be printed."""
    sites = reachable_sites(request.user, *DASHBOARD_ROLES)
    if not sites:
        raise PermissionDenied("mds")
    form = BilanForm(request.GET or None, sites=sites)
    today = timezone.localdate()
    month = form.month(today)
    site = form.site()
    assert site is not None
    filters = Filters(start=month, end=min(_month_end(month), today), sites=(site,))
    with tuned():
        accueil_t = {t.slug: t for t in accueil_tables(filters)}
        mediation_t = {t.slug: t for t in mediation_tables(filters)}
        publics_t = {t.slug: t for t in publics_tables(filters)}
    tables = [
        accueil_t["accueil/chiffres"],
        accueil_t["accueil/motifs"],
        accueil_t["accueil/heures"],
        mediation_t["mediation/chiffres"],
        mediation_t["mediation/modes"],
        mediation_t["mediation/autonomie"],
        mediation_t["mediation/organismes"],
        mediation_t["mediation/origines"],
        mediation_t["mediation/ateliers"],
        publics_t["publics/ages"],
    ]
    context: dict[str, Any] = {
        "form": form,
        "site": site,
        "month": month,
        "filters": filters,
        "tables": tables,
        "computed_at": timezone.localtime(),
    }
    return render(request, "pilotage/bilan.html", context)


@role_required(Role.MEDIATEUR)
def my_activity(request: HttpRequest) -> HttpResponse:
    """A mediator's own figures (per-agent figures go to that agent only)."""
    form, base = _form(request, "mediation", (Role.MEDIATEUR,))
    filters = Filters(
        start=base.start,
        end=base.end,
        sites=base.sites,
        preset=base.preset,
        organisme=base.organisme,
        kind=base.kind,
        mode=base.mode,
        mediator_id=request.user.pk,
    )
    wanted = {
        "mediation/chiffres",
        "mediation/modes",
        "mediation/modes-par-mois",
        "mediation/autonomie",
        "mediation/organismes",
    }
    with tuned():
        tables = [t for t in mediation_tables(filters) if t.slug in wanted]
    return render(
        request,
        "pilotage/my_activity.html",
        {
            "form": form,
            "filters": filters,
            "tables": tables,
            "query": request.GET.urlencode(),
            "computed_at": timezone.localtime(),
        },
    )
