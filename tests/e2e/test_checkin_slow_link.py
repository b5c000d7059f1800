"""The check-in on failing servers and slow links (issue 13, items 16 and 18)."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from playwright.sync_api import Browser, Page, Route, expect

from accueil.models import Passage
from demo.seed import seed
from tests.e2e.conftest import assert_accessible, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Demo-navigateur-2026"
AGENT = "accueil@malpasse.demo.fr"
INFORMATION = "button[name=motive][value=information]"


def test_a_check_in_recorded_behind_an_error_page_gives_back_the_same_ticket(
    page: Page, live_server: object
) -> None:
    """The server records the check-in, then the ticket page fails: trying again must not give
    the visitor a second ticket (#13, item 16)."""
    seed(password=PASSWORD)
    log_in(page, AGENT, PASSWORD)
    page.goto("/accueil/arrivee/")
    error_page = render_to_string("500.html")
    failures: list[int] = []

    def ticket_page_fails_once(route: Route) -> None:
        if route.request.method == "POST" and not failures:
            answer = route.fetch()  # the server records the check-in...
            failures.append(answer.status)
            # ...and the page that follows is lost (server restarting, proxy timeout).
            route.fulfill(status=500, content_type="text/html; charset=utf-8", body=error_page)
        else:
            route.continue_()

    page.route("**/accueil/arrivee/", ticket_page_fails_once)
    page.locator(INFORMATION).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Une erreur est survenue")
    assert failures == [200]
    recorded = Passage.objects.get()
    assert_accessible(page)

    # The agent opens the check-in form again: it offers the pending check-in, same key.
    page.goto("/accueil/arrivee/")
    notice = page.locator("#arrivee-en-attente")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("Touchez le même motif")
    expect(notice.get_by_role("link", name="Voir la file d'abord")).to_be_visible()
    assert_accessible(page)
    page.locator(INFORMATION).click()
    expect(page.locator("#ticket")).to_have_text(recorded.ticket_label)
    assert Passage.objects.count() == 1
    assert_accessible(page)

    # That check-in is settled: the next form is a fresh one, and gives the next ticket.
    page.get_by_role("link", name="+ Nouvel arrivant").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvel arrivant")
    expect(notice).to_be_hidden()
    page.locator(INFORMATION).click()
    expect(page.locator("#ticket")).to_have_text("002")
    assert Passage.objects.count() == 2


def test_after_an_error_another_visitor_gets_a_new_ticket(page: Page, live_server: object) -> None:
    seed(password=PASSWORD)
    log_in(page, AGENT, PASSWORD)
    page.goto("/accueil/arrivee/")
    error_page = render_to_string("500.html")
    failures: list[int] = []

    def ticket_page_fails_once(route: Route) -> None:
        if route.request.method == "POST" and not failures:
            failures.append(route.fetch().status)
            route.fulfill(status=500, content_type="text/html; charset=utf-8", body=error_page)
        else:
            route.continue_()

    page.route("**/accueil/arrivee/", ticket_page_fails_once)
    page.locator(INFORMATION).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Une erreur est survenue")
    page.goto("/accueil/arrivee/")
    notice = page.locator("#arrivee-en-attente")
    notice.get_by_role("button", name="Autre personne : nouveau ticket").click()
    expect(notice).to_be_hidden()
    page.locator(INFORMATION).click()
    expect(page.locator("#ticket")).to_have_text("002")
    assert sorted(Passage.objects.values_list("ticket_number", flat=True)) == [1, 2]


def test_the_ticket_comes_back_in_the_tap_answer_and_a_reload_gives_no_second_ticket(
    page: Page, live_server: object
) -> None:
    """One request from the motive tap to the ticket, the button busy meanwhile (#13, item 18)."""
    seed(password=PASSWORD)
    log_in(page, AGENT, PASSWORD)
    page.goto("/accueil/arrivee/")
    assert_accessible(page)
    # What the tapped button shows once the tap is handled, kept across the navigation (the
    # answer replaces the page; Playwright cannot read a page whose navigation is pending).
    page.evaluate(
        """() => document.addEventListener("submit", (event) => {
              const b = event.submitter;
              const spinner = !!b.querySelector(".spinner-border");
              sessionStorage.setItem("test-busy", JSON.stringify(
                  [b.getAttribute("aria-busy"), b.textContent, spinner]));
           })"""
    )
    documents: list[str] = []
    page.on(
        "request",
        lambda request: (
            documents.append(f"{request.method} {request.url}")
            if request.resource_type == "document"
            else None
        ),
    )
    page.locator(INFORMATION).click()
    expect(page.locator("#ticket")).to_have_text("001")
    assert documents == [f"POST {live_server}/accueil/arrivee/"]  # no redirect, no GET
    # While the answer was on its way, the tapped button said it was working.
    busy, text, spinner = page.evaluate("JSON.parse(sessionStorage.getItem('test-busy'))")
    assert busy == "true" and "Enregistrement…" in text and spinner
    passage = Passage.objects.get()
    # The address bar shows the ticket's own page: a reload shows it again, no new check-in.
    expect(page).to_have_url(re.compile(rf"/accueil/ticket/{passage.pk}/$"))
    assert_accessible(page)
    page.reload()
    expect(page.locator("#ticket")).to_have_text("001")
    assert Passage.objects.count() == 1


def test_the_check_in_works_without_javascript(browser: Browser, live_server: object) -> None:
    seed(password=PASSWORD)
    context = browser.new_context(
        base_url=str(live_server), locale="fr-FR", java_script_enabled=False
    )
    page = context.new_page()
    log_in(page, AGENT, PASSWORD)
    page.goto("/accueil/arrivee/")
    page.locator(INFORMATION).click()
    expect(page.locator("#ticket")).to_have_text("001")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ticket")
    assert Passage.objects.count() == 1
    context.close()
