"""The DPO's pages (``/rgpd/…``): journal state, person search, export, erasure, register.

Thin views: the rights in :mod:`rgpd.pages.rights`, reads (journaled where they show personal
data) in the selectors.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accompagnement.models import Usager
from accompagnement.selectors import search_usagers
from mds.permissions import request_user, role_required
from mds.roles import Role

from ... import journal
from ...forms.dpo import EraseForm, SearchForm
from ...personal_data import categories
from ...selectors.journal import journal_for_dpo
from ...selectors.vault import live_secret_counts
from .. import rights, selectors
from . import no_store

DPO = Role.DPO


@role_required(DPO)
def home(request: HttpRequest) -> HttpResponse:
    report = journal.verify_chain()
    return render(
        request,
        "rgpd/home.html",
        {
            "report": report,
            # The signed head to keep outside the database (verify_journal --expect).
            "head": journal.sign_head(report.head_seq, report.head_hash) if report.ok else None,
            "counts": live_secret_counts(),
            "search_form": SearchForm(),
        },
    )


def _dpo_usager(request: HttpRequest, usager_id: int) -> Usager:
    return selectors.access_usager(request_user(request), usager_id, selectors.DPO)


@role_required(DPO)
def person_search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results: list[Usager] = []
    if form.is_valid():
        results = list(
            search_usagers(selectors.all_usagers_for_dpo(request.user), form.cleaned_data["q"])
        )
    return render(
        request,
        "rgpd/person_search.html",
        {"form": form, "results": results, "searched": bool(request.GET.get("q"))},
    )


@role_required(DPO)
@never_cache
def person_export(request: HttpRequest, usager_id: int) -> HttpResponse:
    usager = _dpo_usager(request, usager_id)
    export = rights.export_person(actor=request_user(request), usager=usager)
    return no_store(
        render(request, "rgpd/person_export.html", {"usager": usager, "export": export})
    )


@role_required(DPO)
@never_cache
def person_export_json(request: HttpRequest, usager_id: int) -> HttpResponse:
    usager = _dpo_usager(request, usager_id)
    export = rights.export_person(actor=request_user(request), usager=usager)
    body = json.dumps(export.as_json(), ensure_ascii=False, indent=2, default=str)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="personne-{usager.pk}.json"'
    return no_store(response)


@role_required(DPO)
@require_http_methods(["GET", "POST"])
def person_erase(request: HttpRequest, usager_id: int) -> HttpResponse:
    usager = _dpo_usager(request, usager_id)
    form = EraseForm(request.POST or None, expected=usager.pk)
    if request.method == "POST" and form.is_valid():
        rights.erase_person(actor=request_user(request), usager=usager)
        messages.success(
            request,
            _("Personne n° %(pk)d anonymisée : secrets détruits, textes libres effacés.")
            % {"pk": usager.pk},
        )
        return redirect("rgpd:person_search")
    summary = rights.collect_person(usager=usager)
    return render(
        request, "rgpd/person_erase.html", {"usager": usager, "form": form, "summary": summary}
    )


@role_required(DPO)
def register(request: HttpRequest) -> HttpResponse:
    return render(request, "rgpd/register.html", {"categories": categories()})


@role_required(DPO)
def journal_view(request: HttpRequest) -> HttpResponse:
    target_type = request.GET.get("type", "")[:40]
    target_id = request.GET.get("id", "")[:64]
    entries = journal_for_dpo(
        actor=request_user(request), target_type=target_type, target_id=target_id
    )
    return render(
        request,
        "rgpd/journal.html",
        {"entries": entries, "target_type": target_type, "target_id": target_id},
    )
