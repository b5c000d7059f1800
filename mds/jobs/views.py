"""The staff page « Tâches de fond » (administrator, DPO)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from mds.permissions import role_required
from mds.roles import Role

from .selectors import jobs_overview


@never_cache
@role_required(Role.ADMIN, Role.DPO)
def jobs(request: HttpRequest) -> HttpResponse:
    return render(request, "mds/jobs.html", {"overview": jobs_overview()})
