"""Accueil journey: three taps to a ticket, a mediator calls it, the board shows it FR and AR."""

from __future__ import annotations

import gzip
import urllib.request

import pytest
from playwright.sync_api import Browser, Page, expect

from accueil.models import Passage, Status
from demo.seed import seed
from tests.e2e.conftest import FIGURES, assert_accessible, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Demo-navigateur-2026"


def _weights(page: Page) -> list[dict[str, object]]:
    return page.evaluate(  # type: ignore[no-any-return]
        """() => performance.getEntriesByType('navigation').concat(
                performance.getEntriesByType('resource'))
              .map(e => ({name: e.name, transfer: e.transferSize, body: e.decodedBodySize}))"""
    )


def _gzip_size(url: str, cookie: str) -> int:
    """What WhiteNoise serves in production: the file gzip-compressed (level 9) ahead of time."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
    with urllib.request.urlopen(request) as response:  # noqa: S310 (our own live server)
        body = response.read()
    return len(gzip.compress(body, compresslevel=9))


def test_accueil_checks_in_a_mediator_calls_the_board_shows(
    page: Page, browser: Browser, live_server: object
) -> None:
    seed(password=PASSWORD)
    log_in(page, "accueil@malpasse.demo.fr", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("File d'attente")
    assert_accessible(page)

    # The common case: anonymous, one motive. Tap 1: "Nouvel arrivant"; tap 2: the motive.
    taps = 0
    page.get_by_role("link", name="+ Nouvel arrivant").click()
    taps += 1
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvel arrivant")
    assert_accessible(page)
    page.get_by_role("button", name="Démarche en ligne / médiation numérique").click()
    taps += 1
    ticket = page.locator("#ticket")
    expect(ticket).to_have_text("001")
    assert taps <= 3
    FIGURES["accueil: touches jusqu'au ticket (cas courant)"] = str(taps)
    assert_accessible(page)
    passage = Passage.objects.get()
    assert passage.alias == "" and passage.status == Status.WAITING

    # Page weight of the check-in page: first load in a fresh context, then a next check-in.
    fresh = browser.new_context(base_url=str(live_server), locale="fr-FR")
    weight_page = fresh.new_page()
    log_in(weight_page, "accueil@malpasse.demo.fr", PASSWORD)
    weight_page.goto("/accueil/arrivee/")
    weight_page.wait_for_load_state("load")
    first = _weights(weight_page)
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in fresh.cookies())
    raw_first = sum(int(e["body"]) for e in first)  # type: ignore[call-overload]
    gzip_first = sum(_gzip_size(str(e["name"]), cookie) for e in first)
    weight_page.evaluate("performance.clearResourceTimings()")
    weight_page.get_by_role("button", name="Information").click()
    expect(weight_page.locator("#ticket")).to_have_text("002")
    weight_page.get_by_role("link", name="+ Nouvel arrivant").click()
    weight_page.wait_for_load_state("load")
    # next check-in: the pages themselves; assets are cached (WhiteNoise marks them immutable)
    documents = [
        e
        for e in _weights(weight_page)
        if not str(e["name"]).split("?")[0].endswith((".css", ".js", ".svg"))
    ]
    next_bytes = sum(int(e["body"]) for e in documents)  # type: ignore[call-overload]
    fresh.close()
    FIGURES["accueil: page d'arrivée, 1er chargement (brut / gzip)"] = (
        f"{raw_first / 1024:.0f} Ko / {gzip_first / 1024:.0f} Ko"
    )
    FIGURES["accueil: arrivée suivante (HTML, ressources en cache)"] = f"{next_bytes / 1024:.1f} Ko"
    assert gzip_first <= 150 * 1024
    assert next_bytes <= 20 * 1024

    # The mediator calls the next person from their desk.
    mediator_context = browser.new_context(base_url=str(live_server), locale="fr-FR")
    mediator = mediator_context.new_page()
    log_in(mediator, "mediateur@malpasse.demo.fr", PASSWORD)
    mediator.get_by_role("link", name="Appeler", exact=True).click()
    expect(mediator.get_by_role("heading", level=1)).to_contain_text("Appeler le visiteur suivant")
    assert_accessible(mediator)
    mediator.get_by_label("Votre bureau").fill("Bureau 2")
    mediator.get_by_role("button", name="Appeler le suivant").click()
    expect(mediator.get_by_role("status").first).to_contain_text("Ticket 001 appelé au Bureau 2")
    assert_accessible(mediator)

    # The waiting-room screen: FR, then AR right-to-left; never a name or a motive.
    board = browser.new_context(base_url=str(live_server)).new_page()
    board.goto(f"/ecran/{passage.mds.board_token}/?langue=fr")
    expect(board.get_by_role("heading", level=1)).to_have_text("Appels en cours")
    expect(board.locator("tbody tr").first).to_contain_text("001")
    expect(board.locator("tbody tr").first).to_contain_text("Bureau 2")
    assert "médiation" not in board.content().lower()
    assert_accessible(board)
    board.goto(f"/ecran/{passage.mds.board_token}/?langue=ar")
    expect(board.locator("html")).to_have_attribute("dir", "rtl")
    expect(board.get_by_role("heading", level=1)).to_have_text("النداءات الجارية")
    assert_accessible(board)

    # Back on the agent's tablet, the list shows the call.
    page.goto("/accueil/")
    expect(page.locator("#file-attente")).to_contain_text("Bureau 2")
    assert_accessible(page)
    mediator_context.close()


def test_the_board_says_it_is_reconnecting_when_the_network_drops(
    browser: Browser, live_server: object
) -> None:
    seed(password=PASSWORD)
    from mds.models import MDS

    token = MDS.objects.get(code="malpasse").board_token
    context = browser.new_context(base_url=str(live_server))
    board = context.new_page()
    board.goto(f"/ecran/{token}/?langue=fr")
    expect(board.locator("#reconnexion")).to_be_hidden()
    context.set_offline(True)
    expect(board.locator("#reconnexion")).to_be_visible(timeout=12_000)
    expect(board.locator("#reconnexion")).to_contain_text("reconnexion")
    context.set_offline(False)
    expect(board.locator("#reconnexion")).to_be_hidden(timeout=12_000)
    context.close()
