"""Keyboard use of the tablet pages: Enter in a text field does not pick a motive."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accueil.models import Passage
from demo.seed import seed
from tests.e2e.conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Demo-navigateur-2026"


def test_enter_in_the_first_name_field_does_not_create_a_ticket(page: Page) -> None:
    seed(password=PASSWORD)
    log_in(page, "accueil@malpasse.demo.fr", PASSWORD)
    page.goto("/accueil/arrivee/")
    page.get_by_text("Options : prénom, priorité, langue, rendez-vous").click()
    field = page.get_by_label("Prénom ou pseudonyme (facultatif)")
    field.fill("Amina")
    field.press("Enter")
    page.wait_for_timeout(500)
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvel arrivant")
    assert not Passage.objects.exists()
    page.get_by_role("button", name="Information").click()
    expect(page.locator("#ticket")).to_have_text("001")
    assert Passage.objects.get().alias == "Amina"


def test_the_list_refresh_does_not_steal_keyboard_focus(page: Page) -> None:
    seed(password=PASSWORD)
    log_in(page, "accueil@malpasse.demo.fr", PASSWORD)
    page.goto("/accueil/arrivee/")
    page.get_by_role("button", name="Information").click()
    page.goto("/accueil/")
    button = page.get_by_role("button", name="Appeler — ticket 001")
    button.focus()
    page.wait_for_timeout(11_500)  # one refresh period (10 s) and a margin
    still_there = page.evaluate(
        "document.activeElement.tagName === 'BUTTON'"
        " && document.activeElement.closest('#file-attente') !== null"
        " && document.activeElement.isConnected"
    )
    assert still_there
