"""Day close journey: the accueil agent closes the day from the tablet, after a confirmation."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from accueil import services
from accueil.models import Passage, Status
from demo.seed import seed
from mds.models import MDS, User
from tests.accueil.factories import motive
from tests.e2e.conftest import assert_accessible, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Demo-navigateur-2026"


def test_the_agent_closes_the_day_after_seeing_who_still_waits(page: Page) -> None:
    seed(password=PASSWORD)
    agent = User.objects.get(email="accueil@malpasse.demo.fr")
    mds = MDS.objects.get(memberships__user=agent)
    for _ in range(2):
        services.check_in(mds=mds, agent=agent, motive=motive(), client_token=uuid.uuid4())
    log_in(page, agent.email, PASSWORD)
    page.get_by_role("link", name="Clôturer la journée").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Clôturer la journée")
    expect(page.get_by_role("status")).to_contain_text("2 personnes attendent encore")
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer la clôture").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("File d'attente")
    expect(page.get_by_text("2 personnes notées « parties sans être reçues »")).to_be_visible()
    assert_accessible(page)
    assert set(Passage.objects.values_list("status", flat=True)) == {Status.LEFT}
