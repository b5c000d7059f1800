"""Each demo role logs in in a real browser and lands on its home; axe is clean on the way."""

from __future__ import annotations

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Page, expect

from demo.seed import ACCOUNTS, seed
from mds.models import User
from mds.permissions import HOME_BY_ROLE
from mds.roles import MFA_REQUIRED_ROLES
from tests.e2e.conftest import assert_accessible
from tests.factories import give_totp

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Demo-navigateur-2026"


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/compte/login/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def test_login_page_is_accessible_and_explains_a_wrong_password(page: Page) -> None:
    seed(password=PASSWORD)
    page.goto("/")
    expect(page).to_have_url("/compte/login/?next=/")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert_accessible(page)
    _log_in(page, "accueil@malpasse.demo.fr", "pas-le-bon")
    expect(page.get_by_role("alert")).to_contain_text("mot de passe sont incorrects")
    assert_accessible(page)


@pytest.mark.parametrize("account", ACCOUNTS, ids=[a.email for a in ACCOUNTS])
def test_each_demo_role_lands_on_its_home(page: Page, account: object, live_server: object) -> None:
    seed(password=PASSWORD)
    email = account.email  # type: ignore[attr-defined]
    role = account.role  # type: ignore[attr-defined]
    secret = give_totp(User.objects.get(email=email)) if role in MFA_REQUIRED_ROLES else None
    _log_in(page, email)
    if secret:
        expect(page.get_by_label("Code")).to_be_visible()
        assert_accessible(page)
        page.get_by_label("Code").fill(_code(secret))
        page.get_by_role("button", name="Connexion").click()
    from django.urls import reverse

    expect(page).to_have_url(f"{live_server}{reverse(HOME_BY_ROLE[role])}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    # The logout button is there and works.
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(f"{live_server}/compte/login/")
