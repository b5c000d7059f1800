"""Pilotage journey: a director filters last month, reads the faire avec / faire pour share,
and downloads the XLSX of that table, which openpyxl opens and which matches the page.
axe runs on every page visited."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from accompagnement.models import Demarche, ModeOfHelp
from demo.seed import seed
from mds.models import MDS, User
from orientations.models import State
from tests.e2e.conftest import assert_accessible, log_in
from tests.pilotage.conftest import make_session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Demo-navigateur-2026"


def test_director_reads_faire_avec_share_of_last_month_and_exports_it(
    page: Page, live_server: object
) -> None:
    seed(password=PASSWORD)
    site = MDS.objects.get(code="malpasse")
    day = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=10)
    # last month ends with 8 faire avec, 6 faire pour, 1 laisser faire, 1 former à faire,
    # counting the demo sessions that may fall in it (30 and 14 days ago)
    wanted = {
        ModeOfHelp.FAIRE_AVEC: 8,
        ModeOfHelp.FAIRE_POUR: 6,
        ModeOfHelp.LAISSER_FAIRE: 1,
        ModeOfHelp.FORMER_A_FAIRE: 1,
    }
    existing = Demarche.objects.filter(
        session__mds=site, session__date__year=day.year, session__date__month=day.month
    )
    for mode, count in wanted.items():
        for _ in range(count - existing.filter(mode_of_help=mode).count()):
            make_session(site, day, (mode,))
    make_session(site, timezone.localdate(), (ModeOfHelp.FAIRE_POUR,))  # this month: not shown

    log_in(page, "direction@malpasse.demo.fr", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pilotage")
    assert_accessible(page)

    page.get_by_role("link", name="Médiation numérique").click()
    assert_accessible(page)
    page.get_by_label("Période").select_option(label="Le mois dernier")
    page.get_by_role("button", name="Afficher").click()
    assert "periode=mois-dernier" in page.url
    assert_accessible(page)

    table = page.locator("#t-mediation-modes-par-mois")
    month = day.strftime("%Y-%m")
    row = table.locator("tbody tr").filter(has_text=month)
    expect(row).to_have_count(1)
    cells = row.locator("th, td").all_inner_texts()
    # 8 faire avec and 6 faire pour out of 16 démarches: 50 % and 37.5 %
    assert cells == [month, "< 5", "0", "< 5", "8", "6", "50,0", "37,5"]
    expect(table.locator("tbody tr")).to_have_count(1)

    section = page.locator("section").filter(has=table)
    with page.expect_download() as info:
        section.get_by_role("link", name="XLSX").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = download.path()
    assert path is not None
    with open(path, "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    values = [[c.value for c in line] for line in sheet.iter_rows()]
    headers = table.locator("thead th").all_inner_texts()
    assert values[0] == headers
    assert values[1] == [month, "< 5", 0, "< 5", 8, 6, 50.0, 37.5]
    assert len(values) == 2


def test_every_pilotage_page_is_accessible_with_data(page: Page, live_server: object) -> None:
    from tests.pilotage.conftest import local, make_passage
    from tests.pilotage.test_orientations import referral

    seed(password=PASSWORD)
    today = timezone.localdate()
    sender = User.objects.get(email="direction@malpasse.demo.fr")
    for site in MDS.objects.all():
        for hour in (9, 10, 14):
            for _ in range(3):
                make_passage(site, local(today.year, today.month, 1, hour), wait_minutes=hour)
        for mode in (ModeOfHelp.FAIRE_AVEC, ModeOfHelp.FAIRE_POUR, ModeOfHelp.FAIRE_AVEC):
            make_session(site, today.replace(day=1), (mode,))
        first = local(today.year, today.month, 1, 9)
        for i in range(6):
            referral(
                site,
                first,
                sender,
                state=State.ACCEPTED,
                events=((State.SEEN, 1 + i), (State.ACCEPTED, 20 + i)),
                needs=("langue",),
            )
        referral(site, first, sender, reason="protection_enfance", restricted=True)
    log_in(page, "direction.departementale@demo.fr", PASSWORD)
    sections = ("Vue d'ensemble", "Accueil", "Médiation numérique", "Orientations", "Publics")
    for name in (*sections, "Bilan mensuel"):
        page.goto("/pilotage/")
        page.get_by_role("navigation", name="Sections du pilotage").get_by_role(
            "link", name=name, exact=True
        ).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        if name == "Orientations":
            expect(page.locator("#t-orientations-motifs")).to_contain_text(
                "Orientations confidentielles"
            )
            expect(page.locator("main")).not_to_contain_text("Marc")
        assert_accessible(page)
    # the monthly bilan prints without the site's chrome (menu, filters, export links)
    page.goto("/pilotage/bilan/")
    page.emulate_media(media="print")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bilan d'activité")
    expect(page.locator("header.navbar")).to_be_hidden()
    expect(page.locator("form.pilotage-filters")).to_be_hidden()
    expect(page.locator("table").first).to_be_visible()
    page.emulate_media(media="screen")
    page.goto("/pilotage/?periode=personnalisee&du=2026-03-31&au=2026-03-01")
    expect(page.get_by_role("alert").first).to_contain_text("La date de début")
    assert_accessible(page)
    for email, url in (
        ("dpo@demo.fr", "/pilotage/rgpd/"),
        ("mediateur@malpasse.demo.fr", "/pilotage/mon-activite/"),
    ):
        page.get_by_role("button", name="Se déconnecter").click()
        log_in(page, email, PASSWORD)
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(page)
