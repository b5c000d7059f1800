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


def test_first_login_of_an_mfa_role_asks_the_password_once_then_totp_then_home(
    page: Page, live_server: object
) -> None:
    """Password once, TOTP set-up, recovery codes on the way (download, print), then the work
    page; the name in the header opens "Mon compte"."""
    import re

    from django.urls import reverse

    seed(password=PASSWORD)
    email = "mediateur@malpasse.demo.fr"
    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(frame.url))
    _log_in(page, email)
    expect(page).to_have_url(f"{live_server}{reverse('mfa_activate_totp')}")
    expect(page.get_by_text("activez la double authentification")).to_be_visible()
    assert_accessible(page)
    secret = page.locator("#authenticator_secret").input_value()
    page.get_by_label(re.compile("^Code")).fill(_code(secret))
    page.get_by_role("button", name="Activer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos codes de secours")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger les codes").click()
    assert download.value.suggested_filename == "recovery-codes.txt"
    expect(page.get_by_role("button", name="Imprimer les codes")).to_be_visible()
    page.get_by_role("link", name="J'ai gardé mes codes : aller à mon accueil").click()
    expect(page).to_have_url(f"{live_server}{reverse(HOME_BY_ROLE['mediateur'])}")
    assert_accessible(page)
    assert not [url for url in visited if "reauthenticate" in url], visited

    page.get_by_role("link", name=re.compile("^Mon compte")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    expect(page.get_by_text("Activée (application TOTP)")).to_be_visible()
    expect(page.get_by_role("link", name="Changer mon mot de passe")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Gérer la double authentification").click()
    expect(page).to_have_url(f"{live_server}{reverse('mfa_index')}")
