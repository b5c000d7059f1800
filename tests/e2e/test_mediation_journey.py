"""Médiation journey: from "call next" to a saved session in at most 8 interactions, then the
person page shows the trajectory; an atelier is recorded; axe clean on every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from accompagnement.models import Atelier, MediationSession
from accueil.models import Status
from demo.seed import seed
from tests.e2e.conftest import FIGURES, assert_accessible, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Demo-navigateur-2026"


class Counter:
    """Counts what the mediator does: a tap, or typing/choosing in one field."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> None:
        self.n += 1


def test_call_then_log_a_session_then_see_the_trajectory(
    page: Page, browser: Browser, live_server: object
) -> None:
    seed(password=PASSWORD)
    # The desk checks a visitor in (two taps), for the mediator.
    desk = browser.new_context(base_url=str(live_server), locale="fr-FR").new_page()
    log_in(desk, "accueil@malpasse.demo.fr", PASSWORD)
    desk.get_by_role("link", name="+ Nouvel arrivant").click()
    desk.get_by_role("button", name="Démarche en ligne / médiation numérique").click()
    expect(desk.locator("#ticket")).to_have_text("001")

    log_in(page, "mediateur@malpasse.demo.fr", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Médiation numérique")
    assert_accessible(page)
    page.get_by_role("link", name="Appeler le visiteur suivant").click()
    assert_accessible(page)

    act = Counter()
    page.get_by_label("Votre bureau").fill("Bureau 2")
    act()
    page.get_by_role("button", name="Appeler le suivant").click()
    act()
    page.get_by_role("button", name="Recevoir", exact=True).click()
    act()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ticket 001")
    assert_accessible(page)
    # The picker: a search (typed once), then the person's radio button.
    page.get_by_label("Chercher une personne (prénom, pseudonyme ou n°)").fill("Samira")
    act()
    page.get_by_role("radio", name="Samira (démo)").check()
    act()
    page.get_by_label("Aide apportée").select_option(label="Démarche administrative en ligne")
    act()
    page.locator("label[for='demarches-0-mode-2']").click()  # faire faire
    act()
    page.get_by_role("button", name="Enregistrer l'accompagnement").click()
    act()
    FIGURES["médiation: interactions de « appeler » à l'accompagnement enregistré"] = str(act.n)
    assert act.n <= 8

    expect(page.get_by_role("heading", level=1)).to_have_text("Samira (démo)")
    steps = page.locator(".trajectory-step")
    expect(steps).to_have_count(3)
    expect(steps.nth(0)).to_contain_text("Faire avec")
    expect(steps.nth(1)).to_contain_text("Former à faire")
    expect(steps.nth(2)).to_contain_text("Faire faire")
    assert_accessible(page)
    session = MediationSession.objects.get(passage__isnull=False)
    assert session.passage is not None and session.passage.status == Status.DONE
    assert session.origin.code == "file_accueil"

    # An atelier for the public, with anonymous head counts.
    page.get_by_role("link", name="Ateliers").click()
    page.get_by_role("link", name="+ Noter un atelier").click()
    assert_accessible(page)
    page.get_by_label("Pour les publics").check()
    page.get_by_label("Thème").fill("Créer son compte ameli")
    page.get_by_label("Durée (minutes)").fill("90")
    page.get_by_label("40-59 ans").fill("3")
    page.get_by_label("70 ans et plus").fill("2")
    page.get_by_label("femmes").fill("4")
    page.get_by_label("hommes").fill("1")
    page.get_by_role("button", name="Enregistrer l'atelier").click()
    expect(page.get_by_role("status").first).to_contain_text("Atelier enregistré")
    expect(page.get_by_role("table")).to_contain_text("Créer son compte ameli")
    assert_accessible(page)
    assert Atelier.objects.get().total == 5


def test_a_faire_pour_without_consent_is_refused_with_the_form_kept(
    page: Page, live_server: object
) -> None:
    seed(password=PASSWORD)
    log_in(page, "mediateur@malpasse.demo.fr", PASSWORD)
    page.goto("/mediation/accompagnement/")
    page.get_by_label("Tranche d'âge").select_option(label="25-39 ans")
    page.get_by_label("Aide apportée").select_option(label="Démarche administrative en ligne")
    page.locator("label[for='demarches-0-mode-5']").click()  # faire pour
    page.get_by_role("button", name="Enregistrer l'accompagnement").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("pas encore enregistré")
    assert_accessible(page)
    expect(page.get_by_label("Tranche d'âge")).to_have_value("25_39")
    assert not MediationSession.objects.filter(age_band="25_39").exists()
