"""The accueil pages where they are used (issue 13, items 1, 2, 4, 5): the waiting list on a
1024×768 tablet (counts, compact rows, motive filter), the list and the check-in page on a
390×844 phone, the re-orientation message and the ticket page's heading."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from accueil.models import Motive, Passage, Priority, Status
from demo.seed import seed
from mds.models import MDS
from tests.accueil.factories import PassageFactory
from tests.e2e.conftest import FIGURES, assert_accessible, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Demo-navigateur-2026"
TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}
ALIASES = ["Marie-Christine", "Jean-Baptiste", "", "Fatoumata", "", "Abdelkader", ""]


def busy_morning(count: int = 24) -> MDS:
    """The worst rows: long first names, priority, language and appointment badges, all the
    motives, a third called at a desk (the rows with the most buttons)."""
    mds = MDS.objects.get(code="malpasse")
    motives = list(Motive.objects.filter(is_active=True))
    start = timezone.now() - dt.timedelta(hours=1)
    for i in range(count):
        called = i % 3 == 1
        PassageFactory(
            mds=mds,
            ticket_number=i + 1,
            arrived_at=start + dt.timedelta(minutes=2 * i),
            alias=ALIASES[i % len(ALIASES)],
            motive=motives[i % len(motives)],
            priority=Priority.INFANT if i % 5 == 0 else Priority.NONE,
            has_appointment=i % 4 == 0,
            status=Status.CALLED if called else Status.WAITING,
            desk="Bureau 12" if called else "",
            called_at=start + dt.timedelta(minutes=2 * i + 1) if called else None,
        )
    return mds


def rows_in_view(page: Page) -> int:
    return page.evaluate(  # type: ignore[no-any-return]
        """() => [...document.querySelectorAll('#file-attente tr')].filter(row => {
                const box = row.getBoundingClientRect();
                return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;
            }).length"""
    )


def smallest_target(page: Page, selector: str) -> float:
    return page.evaluate(  # type: ignore[no-any-return]
        """(selector) => Math.min(...[...document.querySelectorAll(selector)]
                .map(e => e.getBoundingClientRect()).filter(b => b.width > 0)
                .map(b => Math.min(b.width, b.height)))""",
        selector,
    )


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"défilement horizontal : {width}"


def test_the_tablet_list_shows_counts_ten_rows_and_filters_by_motive(
    browser: Browser, live_server: object
) -> None:
    seed(password=PASSWORD)
    busy_morning()
    context = browser.new_context(base_url=str(live_server), locale="fr-FR", viewport=TABLET)
    page = context.new_page()
    log_in(page, "accueil@malpasse.demo.fr", PASSWORD)
    page.goto("/accueil/")
    assert_accessible(page)

    # The count at the top, in all and per motive (16 of the 24 are waiting, 8 are called).
    expect(page.locator(".queue-count")).to_contain_text("16 en attente")
    expect(page.locator(".queue-count")).to_contain_text("+ 8 appelées ou reçues")
    mediation = page.get_by_role("link", name="Démarche en ligne / médiation numérique")
    waiting_mediation = Passage.objects.filter(
        motive__code="mediation", status=Status.WAITING
    ).count()
    expect(mediation).to_contain_text(f"{waiting_mediation} en attente")

    # Compact rows: at least 10 fully on screen, no button wrapped, touch targets of 44 px.
    visible = rows_in_view(page)
    FIGURES["file d'attente 1024×768 : lignes visibles"] = str(visible)
    assert visible >= 10
    heights = page.evaluate(
        "() => [...document.querySelectorAll('#file-attente tr')]"
        ".map(r => r.getBoundingClientRect().height)"
    )
    FIGURES["file d'attente 1024×768 : hauteur de ligne max (px)"] = f"{max(heights):.0f}"
    assert max(heights) < 60
    assert smallest_target(page, "#file-attente .btn, .queue-filter .btn") >= 44
    no_sideways_scroll(page)

    # Filter by motive: a plain link (GET), kept by the 10 s poll and by the row buttons.
    mediation.click()
    expect(page).to_have_url("/accueil/?motif=mediation")
    expect(mediation).to_have_attribute("aria-current", "page")
    rows = page.locator("#file-attente tr")
    expect(rows).to_have_count(
        Passage.objects.filter(motive__code="mediation", status__in=["waiting", "called"]).count()
    )
    expect(rows.first).to_contain_text("Démarche en ligne")
    assert_accessible(page)
    with page.expect_response(lambda r: "/accueil/file/lignes/" in r.url, timeout=15_000) as poll:
        pass
    assert "motif=mediation" in poll.value.url
    other = PassageFactory(mds=MDS.objects.get(code="malpasse"), ticket_number=90, alias="Zoé")
    assert other.motive.code == "mediation"
    expect(page.locator("#file-attente")).to_contain_text("Zoé", timeout=15_000)
    expect(mediation).to_contain_text(f"{waiting_mediation + 1} en attente")
    page.get_by_role("button", name="Appeler — ticket 090").click()
    expect(page).to_have_url("/accueil/?motif=mediation")
    expect(page.get_by_role("status").first).to_contain_text("090")
    context.close()


def test_the_list_and_the_check_in_fit_a_phone(browser: Browser, live_server: object) -> None:
    seed(password=PASSWORD)
    busy_morning(8)
    context = browser.new_context(base_url=str(live_server), locale="fr-FR", viewport=PHONE)
    page = context.new_page()
    log_in(page, "accueil@malpasse.demo.fr", PASSWORD)
    page.goto("/accueil/")
    assert_accessible(page)
    no_sideways_scroll(page)
    # status and actions of every row are on screen horizontally
    overflow = page.evaluate(
        """() => [...document.querySelectorAll(
                '#file-attente td, #file-attente th, #file-attente .btn')]
              .filter(e => e.getBoundingClientRect().right > window.innerWidth).length"""
    )
    assert overflow == 0
    assert smallest_target(page, "#file-attente .btn") >= 44

    page.goto("/accueil/arrivee/")
    assert_accessible(page)
    no_sideways_scroll(page)
    boxes = page.evaluate(
        "() => [...document.querySelectorAll('button.motive')].map(b => {"
        " const r = b.getBoundingClientRect(); return [r.top, r.bottom, r.left, r.right]; })"
    )
    assert len(boxes) == Motive.objects.filter(is_active=True).count() == 6
    assert all(top >= 0 and bottom <= PHONE["height"] for top, bottom, _l, _r in boxes), boxes
    assert all(left >= 0 and right <= PHONE["width"] for _t, _b, left, right in boxes), boxes
    assert smallest_target(page, "button.motive") >= 44
    context.close()


def test_reorienting_says_to_whom(page: Page) -> None:
    seed(password=PASSWORD)
    passage = PassageFactory(mds=MDS.objects.get(code="malpasse"), ticket_number=118)
    log_in(page, "accueil@malpasse.demo.fr", PASSWORD)
    page.goto(f"/accueil/passage/{passage.pk}/")
    assert_accessible(page)
    page.get_by_label("Vers un service de la MDS").select_option(label="Travailleur social")
    page.get_by_role("button", name="Réorienter").click()
    message = page.get_by_role("status").first
    expect(message).to_contain_text("Ticket 118 réorienté vers : Travailleur social")
    assert_accessible(page)

    other = PassageFactory(mds=passage.mds, ticket_number=119)
    page.goto(f"/accueil/passage/{other.pk}/")
    page.get_by_label("ou vers un partenaire extérieur").fill("CCAS de Marseille")
    page.get_by_role("button", name="Réorienter").click()
    expect(page.get_by_role("status").first).to_contain_text(
        "Ticket 119 réorienté vers CCAS de Marseille"
    )
    assert Passage.objects.get(pk=other.pk).status == Status.REORIENTED


def test_the_ticket_page_has_its_number_as_heading(page: Page) -> None:
    seed(password=PASSWORD)
    log_in(page, "accueil@malpasse.demo.fr", PASSWORD)
    page.goto("/accueil/arrivee/")
    page.get_by_role("button", name="Information").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_count(1)
    expect(heading).to_contain_text("001")
    assert_accessible(page)  # includes axe's page-has-heading-one
