"""Orientation journey: a mediator refers a person who cannot read to the social workers with
her consent; a social worker takes it from the inbox, accepts with an appointment, closes it;
the mediator sees each state; the partner's orientation sheet prints. axe on every page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from demo.seed import seed
from orientations import directory
from orientations.models import Referral, State
from tests.e2e.conftest import ARTIFACTS, assert_accessible, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Demo-navigateur-2026"

PARTNERS = (
    "id;nom;thematiques;adresse;code_postal;commune;date_maj;horaires_accueil;offres;frais\n"
    "cs;Centre social Saint-Just;numerique;12 rue Saint-Just;13013;Marseille;2026-03-01;"
    '"Mo,We 09:00-12:00";ordinateurs,ateliers;gratuit\n'
)


def test_refer_accept_close_and_print_the_sheet(
    page: Page, browser: Browser, live_server: object
) -> None:
    seed(password=PASSWORD)
    assert directory.import_partners(PARTNERS.encode(), filename="p.csv").ok

    # 1. The mediator refers Fatou, who cannot read, to the social workers, with her consent.
    log_in(page, "mediateur@malpasse.demo.fr", PASSWORD)
    expect(page.locator(".orientations-panel")).to_contain_text("aucune en cours")
    assert_accessible(page)
    page.get_by_role("link", name="Orienter une personne").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Orienter une personne")
    expect(page.locator("#secret-pro")).to_contain_text("Secret professionnel")
    assert_accessible(page)
    page.get_by_label("Prénom ou pseudonyme").fill("Fatou")
    page.get_by_label("Orienter vers").select_option(label="Tout « Travailleur social »")
    page.get_by_label("Motif").select_option(label="Évaluation sociale")
    page.get_by_label("Ne lit pas ou n'écrit pas le français").check()
    page.get_by_label("Note courte").fill("Courrier CAF reçu, ne peut pas le lire.")
    # Forgetting the consent: refused, nothing lost.
    page.get_by_role("button", name="Envoyer l'orientation").click()
    expect(page.get_by_role("alert").first).to_contain_text("pas encore envoyée")
    expect(page.get_by_label("Note courte")).to_have_value(
        "Courrier CAF reçu, ne peut pas le lire."
    )
    assert_accessible(page)
    assert not Referral.objects.exists()
    page.get_by_label("La personne a entendu ce texte et est d'accord").check()
    page.get_by_role("button", name="Envoyer l'orientation").click()
    expect(page.get_by_role("status").first).to_contain_text("Orientation envoyée")
    expect(page.locator("#etat")).to_have_text("Envoyée")
    assert_accessible(page)

    # 2. The social worker finds it in the inbox, opens it, accepts with an appointment.
    social = browser.new_context(base_url=str(live_server), locale="fr-FR").new_page()
    log_in(social, "social@malpasse.demo.fr", PASSWORD)
    social.goto("/orientations/")
    expect(social.locator("#compteurs")).to_contain_text("1 à prendre")
    row = social.locator(".referral-row")
    expect(row).to_contain_text("Fatou")
    expect(row).to_contain_text("Ne lit pas")
    expect(row).not_to_contain_text("Courrier CAF")  # never the note in a list
    assert_accessible(social)
    social.get_by_role("link", name="Fatou").click()
    expect(social.locator("#etat")).to_have_text("Vue")
    expect(social.locator(".referral-note")).to_contain_text("Courrier CAF")
    assert_accessible(social)
    social.get_by_role("link", name="Accepter et fixer un rendez-vous").click()
    assert_accessible(social)
    when = timezone.localtime() + dt.timedelta(days=3)
    social.get_by_label("Date et heure du rendez-vous").fill(when.strftime("%Y-%m-%dT10:00"))
    social.get_by_label("Lieu").fill("MDS Malpassé, bureau 3")
    social.get_by_role("button", name="Accepter").click()
    expect(social.locator("#etat")).to_have_text("Acceptée")
    expect(social.locator("#rendez-vous")).to_contain_text("bureau 3")
    assert_accessible(social)

    # 3. The mediator sees it accepted, from the home page's panel.
    page.goto("/mediation/")
    expect(page.locator(".orientations-panel")).to_contain_text("acceptée 1")
    page.get_by_role("link", name="Mes orientations envoyées").click()
    expect(page.locator(".referral-row")).to_contain_text("Acceptée")
    assert_accessible(page)

    # 4. The social worker closes it; the mediator sees it closed, with the history.
    social.get_by_role("link", name="Clôturer").click()
    assert_accessible(social)
    social.get_by_label("Suite donnée").fill("Rendez-vous tenu, courrier expliqué.")
    social.get_by_role("button", name="Clôturer").click()
    expect(social.locator("#etat")).to_have_text("Clôturée")
    page.goto("/orientations/envoyees/")
    expect(page.locator(".referral-row")).to_contain_text("Clôturée")
    page.get_by_role("link", name="Fatou").click()
    expect(page.locator("#historique li")).to_have_count(5)  # sent, taken, seen, accepted, closed
    assert_accessible(page)
    referral = Referral.objects.get()
    assert referral.state == State.CLOSED and referral.recipient is not None
    assert referral.recipient.email == "social@malpasse.demo.fr"

    # 5. The directory and the printable orientation sheet.
    page.goto("/orientations/annuaire/")
    page.get_by_label("Jour").select_option(label="lundi")
    page.get_by_role("button", name="Chercher").click()
    expect(page.locator(".partner")).to_have_count(1)
    assert_accessible(page)
    page.get_by_role("link", name="Fiche d'orientation à imprimer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Centre social Saint-Just")
    assert_accessible(page)
    page.get_by_role("link", name="العربية").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert_accessible(page)
    page.get_by_role("link", name="Français").click()
    page.emulate_media(media="print")
    expect(page.locator("nav.no-print")).to_be_hidden()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "orientation-sheet-print.png"), full_page=True)
    pdf = page.pdf(format="A4")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1, f"la fiche tient sur une page, pas {pages}"
