"""Reminder contact journey: the mediator opens a person's page, records how the person wants
to be reminded, fixes a mistyped number, and is back on the person's page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accompagnement.models import Usager
from demo.seed import seed
from mds.models import MDS, User
from notifications.models import Contact
from tests.e2e.conftest import assert_accessible, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Demo-navigateur-2026"


def test_the_mediator_records_a_reminder_contact_from_the_person_page(page: Page) -> None:
    seed(password=PASSWORD)
    mediator = User.objects.get(email="mediateur@malpasse.demo.fr")
    mds = MDS.objects.get(memberships__user=mediator)
    usager = Usager.objects.create(mds=mds, display_name="Nadia Test")
    Contact.objects.filter(usager=usager).delete()
    log_in(page, mediator.email, PASSWORD)
    page.goto(f"/mediation/usagers/{usager.pk}/")
    page.get_by_role("link", name="Contact pour les rappels").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contact pour les rappels")
    assert_accessible(page)
    page.get_by_label("SMS").check()
    page.get_by_label("Téléphone mobile").fill("06 12")
    page.get_by_role("button", name="Enregistrer le contact").click()
    expect(page.get_by_text("Numéro de téléphone invalide.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Téléphone mobile").fill("06 12 34 56 78")
    page.get_by_label("Langue des rappels").select_option("en")
    page.get_by_role("button", name="Enregistrer le contact").click()
    expect(page.get_by_text("Contact pour les rappels enregistré.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nadia Test")
    contact = Contact.objects.get(usager=usager)
    assert (contact.phone, contact.language) == ("+33612345678", "en")
