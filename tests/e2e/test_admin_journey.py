"""Administration journey: an administrator creates an agent, gives a role, clicks "Inviter";
the agent follows the e-mail, chooses a password and logs in. axe runs on every admin page an
administrator or the DPO uses."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from demo.seed import seed
from mds.models import MDS, User
from tests.e2e.conftest import assert_accessible, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Demo-navigateur-2026"


def test_administrator_invites_an_agent_who_then_logs_in(page: Page, live_server: object) -> None:
    seed(password=PASSWORD)
    log_in(page, "admin@demo.fr", PASSWORD)
    page.goto("/admin/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Administration du site")
    assert_accessible(page)

    page.goto("/admin/mds/user/add/")
    assert_accessible(page)
    page.get_by_label("Adresse électronique").fill("nouvelle.accueil@mds.test.fr")
    page.get_by_label("Prénom").fill("Inès")
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    assert_accessible(page)
    page.get_by_role("button", name="Ajouter : Rattachement (rôle dans une MDS)").click()
    page.locator("select[name$='-role']").first.select_option(label="Agent d'accueil")
    page.locator("select[name$='-mds']").first.select_option(label="MDS Vallon de Malpassé")
    page.get_by_role("button", name="Enregistrer et continuer les modifications").click()
    expect(page.locator(".messagelist")).to_contain_text("modifié")
    assert_accessible(page)

    page.get_by_role("button", name="Inviter").click()
    expect(page.locator(".messagelist")).to_contain_text("Invitation envoyée")
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "Agent d'accueil — MDS Vallon de Malpassé" in body
    link = re.search(r"https?://[^/\s]+(/compte/password/reset/key/\S+)", body)
    assert link is not None

    page.context.clear_cookies()  # another person, another session
    page.goto(link.group(1))
    assert_accessible(page)
    chosen = "Inès-choisit-son-mot-de-passe-7"
    page.get_by_label(re.compile(r"^Nouveau mot de passe\s*:")).fill(chosen)
    page.get_by_label(re.compile(r"^Nouveau mot de passe \(confirmation\)")).fill(chosen)
    page.get_by_role("button", name="Modifier le mot de passe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe enregistré")
    assert_accessible(page)
    page.get_by_role("link", name="Se connecter").click()
    page.get_by_label("Adresse électronique").fill("nouvelle.accueil@mds.test.fr")
    page.get_by_label("Mot de passe").fill(chosen)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/accueil/$"))
    assert User.objects.get(email="nouvelle.accueil@mds.test.fr").has_usable_password()


ADMIN_PAGES = (
    "/admin/mds/mds/",
    "/admin/mds/mds/{mds}/change/",
    "/admin/mds/user/",
    "/admin/mds/membership/",
    "/admin/mds/membership/add/",
    "/admin/mfa/authenticator/",
    "/admin/accueil/motive/",
    "/admin/accueil/language/",
    "/admin/accueil/passage/",
    "/admin/accompagnement/organisme/",
    "/admin/accompagnement/kindofhelp/",
    "/admin/accompagnement/forbiddenact/",
    "/admin/accompagnement/relatedrightrule/",
    "/admin/rgpd/consentpurpose/",
)
DPO_PAGES = ("/admin/", "/admin/rgpd/journalentry/", "/admin/rgpd/consenttext/")


def test_every_admin_page_an_administrator_or_the_dpo_uses_is_accessible(
    page: Page, live_server: object
) -> None:
    seed(password=PASSWORD)
    site = MDS.objects.get(code="malpasse")
    log_in(page, "admin@demo.fr", PASSWORD)
    for url in ADMIN_PAGES:
        page.goto(url.format(mds=site.pk))
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
    page.context.clear_cookies()  # another person, another session
    log_in(page, "dpo@demo.fr", PASSWORD)
    for url in DPO_PAGES:
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
