"""Middleware: MFA is mandatory for the roles in ``MFA_REQUIRED_ROLES``."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .permissions import needs_mfa

# Paths a user without TOTP may still reach: logging in/out, setting MFA up, assets, health.
_ALLOWED_PREFIXES = ("/compte/", "/static/", "/healthz", "/i18n/")


def has_totp(user: object) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class MfaRequiredMiddleware:
    """Send users whose role requires MFA to the TOTP set-up page until they have one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_ALLOWED_PREFIXES)
            and needs_mfa(user)
            and not has_totp(user)
        ):
            messages.warning(
                request,
                _(
                    "Votre rôle donne accès à des données sensibles : activez la double "
                    "authentification (application TOTP) pour continuer."
                ),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


class HealthzMiddleware:
    """Answer ``/healthz`` before the session, user and MFA middlewares run: with the database
    down they would fail on a session cookie and the probe would get the 500 page, not JSON."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == "/healthz":
            from .views import healthz

            return healthz(request)
        return self.get_response(request)


class RejectNulMiddleware:
    """A NUL character in the address or its parameters is never legitimate, and PostgreSQL
    refuses it in text: answer 400 with a French message instead of failing deeper (500).

    Form fields are protected by Django's own validator; the query string is checked here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            from django.http import HttpResponseBadRequest

            return HttpResponseBadRequest(
                _("Adresse invalide : un caractère interdit a été refusé.").encode(),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
