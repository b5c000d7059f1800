"""Views of the rgpd pages: the mediator's vault (:mod:`.vault`), the DPO's pages (:mod:`.dpo`)."""

from __future__ import annotations

from django.http import HttpResponse


def no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, private"
    response["Pragma"] = "no-cache"
    return response
