"""When the server answers errors (issue 13, item 17): every auto-refreshed page — the tablet's
waiting list and the waiting-room screen — shows the same red "reconnexion…" bar, keeps trying,
and catches up by itself once the server is back; the error page is readable on a tablet."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory
from django.utils import timezone
from playwright.sync_api import Browser, Page, Route, expect

from accueil.models import Status
from demo.seed import seed
from mds.errors import server_error
from mds.models import MDS
from tests.accueil.factories import PassageFactory
from tests.e2e.conftest import assert_accessible, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Demo-navigateur-2026"
TABLET = {"width": 1024, "height": 768}
ERROR_PAGE = server_error(RequestFactory().get("/")).content


def fail(route: Route) -> None:
    route.fulfill(status=500, content_type="text/html; charset=utf-8", body=ERROR_PAGE)


def test_the_tablet_list_says_it_is_reconnecting_then_catches_up(
    browser: Browser, live_server: object
) -> None:
    seed(password=PASSWORD)
    mds = MDS.objects.get(code="malpasse")
    PassageFactory(mds=mds, ticket_number=1, alias="Avant")
    context = browser.new_context(base_url=str(live_server), locale="fr-FR", viewport=TABLET)
    page = context.new_page()
    log_in(page, "accueil@malpasse.demo.fr", PASSWORD)
    page.goto("/accueil/")
    banner = page.locator("#file-reconnexion")
    expect(banner).to_be_hidden()

    page.route("**/accueil/file/lignes/**", fail)
    expect(banner).to_be_visible(timeout=15_000)
    expect(banner).to_contain_text("Reconnexion")
    expect(page.locator("#file-attente")).to_contain_text("Avant")  # the last rows stay
    box = banner.bounding_box()
    assert box is not None and box["y"] + box["height"] <= TABLET["height"]  # on screen
    assert_accessible(page)

    # Meanwhile someone is checked in; the list gets them as soon as the server answers.
    PassageFactory(mds=mds, ticket_number=2, alias="Pendant")
    page.unroute("**/accueil/file/lignes/**", fail)
    expect(banner).to_be_hidden(timeout=15_000)
    expect(page.locator("#file-attente")).to_contain_text("Pendant")
    expect(page.locator("#file-compte")).to_contain_text("2 en attente")
    context.close()


def test_the_board_says_it_is_reconnecting_then_catches_up(page: Page) -> None:
    seed(password=PASSWORD)
    mds = MDS.objects.get(code="malpasse")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"/ecran/{mds.board_token}/?langue=fr")
    banner = page.locator("#reconnexion")
    page.route("**/contenu/**", fail)
    expect(banner).to_be_visible(timeout=10_000)
    expect(banner).to_contain_text("reconnexion")
    assert_accessible(page)
    now = timezone.now()
    PassageFactory(
        mds=mds,
        ticket_number=7,
        arrived_at=now - dt.timedelta(minutes=5),
        status=Status.CALLED,
        desk="Bureau 3",
        called_at=now,
    )
    page.unroute("**/contenu/**", fail)
    expect(banner).to_be_hidden(timeout=10_000)
    expect(page.locator("#tableau")).to_contain_text("007")


@pytest.mark.parametrize(
    "viewport", [{"width": 1024, "height": 768}, {"width": 390, "height": 844}]
)
def test_the_error_page_is_readable_on_a_tablet_and_a_phone(
    page: Page, viewport: dict[str, int]
) -> None:
    page.set_viewport_size(viewport)
    page.route("**/accueil/", fail)
    response = page.goto("/accueil/")
    assert response is not None and response.status == 500
    expect(page.get_by_role("heading", level=1)).to_have_text("Une erreur est survenue")
    assert page.locator('meta[name="viewport"]').count() == 1
    link = page.get_by_role("link", name="Voir la file d'attente / revenir à l'accueil")
    box = link.bounding_box()
    assert box is not None and box["height"] >= 44  # styled: a touch-size button
    header = page.locator(".error-header")
    expect(header).to_have_css("background-color", "rgb(31, 58, 104)")
    widths = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]
    size = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    assert size >= 18
    assert_accessible(page)
