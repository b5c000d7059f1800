"""Views of the rgpd pages: the mediator's vault (:mod:`.vault`), the DPO's pages (:mod:`.dpo`)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from mds.models import User


def request_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, private"
    response["Pragma"] = "no-cache"
    return response
