"""Error pages in French that never echo request data (no secret can leak through them)."""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.views.debug import SafeExceptionReporterFilter


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the failing part may be the database.
    return HttpResponse(loader.get_template("500.html").render(), status=500)


class SensitiveFieldsFilter(SafeExceptionReporterFilter):
    """Hide, in every error report, the POST fields that carry a password, a TOTP code or a
    secret — by name, for every view, even when it fails before its own
    ``@sensitive_post_parameters`` runs (a rate-limit decorator, a middleware, the cache) and
    even on the DEBUG page (Django's filter is off when DEBUG is on; this one never is)."""

    # Names of POST fields, and of local variables shown with a traceback (``credentials``…).
    hidden_settings = re.compile(
        r"API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|CODE|OTP|CREDENTIAL|IDENTIF",
        flags=re.IGNORECASE,
    )

    def get_post_parameters(self, request: HttpRequest | None) -> Any:
        if request is None:
            return {}
        marked = getattr(request, "sensitive_post_parameters", [])
        cleansed = request.POST.copy()
        for name in cleansed:
            if marked == "__ALL__" or name in marked or self.hidden_settings.search(name):
                cleansed[name] = self.cleansed_substitute
        return cleansed

    def get_traceback_frame_variables(self, request: Any, tb_frame: Any) -> Any:
        variables = super().get_traceback_frame_variables(request, tb_frame)
        return [(name, self.cleanse_setting(name, value)) for name, value in variables]
