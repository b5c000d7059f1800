"""Retention purges as the DPO sees them: the staff page's last purge per category with its
count, the journal's « Purge de conservation » entry (category, count), the register's 24 months."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from accompagnement.models import Usager
from accueil.models import Passage
from demo.seed import seed
from mds.models import MDS
from tests.accueil.factories import PassageFactory
from tests.e2e.conftest import assert_accessible, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Demo-navigateur-2026"


def test_the_dpo_sees_each_purge_with_its_count_in_the_jobs_page_and_the_journal(
    page: Page,
) -> None:
    seed(password=PASSWORD)
    site = MDS.objects.get(code="malpasse")
    old_day = timezone.localdate() - dt.timedelta(days=4)
    PassageFactory.create_batch(3, mds=site, alias="Karim", day=old_day)
    with time_machine.travel(timezone.now() - dt.timedelta(days=760), tick=False):
        forgotten = Usager.objects.create(mds=site, display_name="Personne oubliée")
    call_command("run_retention", stdout=StringIO())
    assert not Passage.objects.filter(alias="Karim").exists()
    forgotten.refresh_from_db()
    assert forgotten.display_name == ""

    log_in(page, "dpo@demo.fr", PASSWORD)
    page.goto("/administration/taches/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    purges = page.locator("#purges")
    expect(purges.get_by_role("row").filter(has_text="passage_aliases")).to_contain_text("3")
    expect(purges.get_by_role("row").filter(has_text="inactive_usagers")).to_be_visible()
    assert_accessible(page)

    page.goto("/admin/rgpd/journalentry/?action__exact=retention_purge")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    rows = page.locator("#result_list tbody tr")
    expect(rows.filter(has_text="passage_aliases").first).to_be_visible()
    expect(rows.filter(has_text="inactive_usagers").first).to_be_visible()
    expect(page.get_by_text("Karim")).to_have_count(0)
    assert_accessible(page)

    page.goto("/rgpd/registre/")
    expect(page.get_by_text("24 mois après le dernier contact").first).to_be_visible()
    assert_accessible(page)
