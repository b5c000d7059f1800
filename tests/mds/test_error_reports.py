"""No password, TOTP code or secret ever reaches an error report (debug page, logs, mails),
whichever view received it and wherever it failed — the rate-limit path included."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.views.debug import ExceptionReporter

from mds.models import User
from mds.roles import Role
from tests.factories import PASSWORD
from tests.ops.utils import free_port

pytestmark = pytest.mark.django_db

SECRET = "Tres-Secret-0123456789"
CODE = "731946"

# Every view that receives a password, a TOTP code or a secret, with those fields.
SENSITIVE_POSTS = [
    ("account_login", {"login": "a@b.fr", "password": SECRET}),
    ("account_reauthenticate", {"password": SECRET}),
    ("account_change_password", {"oldpassword": SECRET, "password1": SECRET, "password2": SECRET}),
    ("account_set_password", {"password1": SECRET, "password2": SECRET}),
    ("mfa_authenticate", {"code": CODE}),
    ("mfa_reauthenticate", {"code": CODE}),
    ("mfa_activate_totp", {"code": CODE}),
    ("mfa_deactivate_totp", {"code": CODE}),
    ("rgpd:credential_new", {"service": "caf", "identifier": SECRET, "secret": SECRET}),
]


def _url(name: str) -> str:
    return reverse(name, kwargs={"usager_id": 1}) if name.startswith("rgpd:") else reverse(name)


@pytest.mark.parametrize(("name", "data"), SENSITIVE_POSTS, ids=[n for n, _ in SENSITIVE_POSTS])
@override_settings(DEBUG=True)
def test_no_error_report_shows_a_sensitive_field(name: str, data: dict[str, str]) -> None:
    request = RequestFactory().post(_url(name), data)
    try:
        credentials = dict(data)  # a local variable in a failing frame, as in allauth
        raise RuntimeError(f"échec simulé ({len(credentials)} champs)")
    except RuntimeError:
        html = ExceptionReporter(request, *sys.exc_info()).get_traceback_html()
        text = ExceptionReporter(request, *sys.exc_info()).get_traceback_text()
    for value in (SECRET, CODE):
        assert value not in html
        assert value not in text
    assert "********************" in html


@override_settings(DEBUG=True)
@pytest.mark.parametrize("path_name", ["account_login", "account_reauthenticate"])
def test_a_login_failing_in_the_rate_limit_shows_no_password_on_the_debug_page(
    path_name: str, member: Callable[..., User]
) -> None:
    """The issue's case: the rate-limit counters' cache fails (plain Redis cache, nothing
    listening), the DEBUG page lists the POST data."""
    agent = member(Role.ACCUEIL)
    broken = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    client = Client(raise_request_exception=False)
    if path_name == "account_reauthenticate":
        client.force_login(agent)
    with override_settings(CACHES=broken):
        response = client.post(reverse(path_name), {"login": agent.email, "password": PASSWORD})
    assert response.status_code == 500
    html = response.content.decode()
    assert "ConnectionError" in html  # the debug page, indeed
    assert PASSWORD not in html


def test_the_filter_is_the_projects() -> None:
    assert settings.DEFAULT_EXCEPTION_REPORTER_FILTER == "mds.errors.SensitiveFieldsFilter"
