"""Views of the rgpd pages: the mediator's vault (:mod:`.vault`), the DPO's pages (:mod:`.dpo`)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from mds.models import User


def request_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def add_errors(form: Any, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form (field errors on their field)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            field = name if name in form.fields else None
            for item in errors:
                form.add_error(field, item.message % (item.params or {}))
    else:
        for message in error.messages:
            form.add_error(None, message)


def no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store, private"
    response["Pragma"] = "no-cache"
    return response
