"""The tablet's waiting list in the browser: the poll sends back the version it got and an
unchanged queue costs a 204 (the list stays on screen); a row's button acts through the
page's form."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Response, expect

from accueil.models import Passage, Status
from demo.seed import seed
from tests.e2e.conftest import assert_accessible, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "Demo-navigateur-2026"


def test_an_unchanged_queue_is_polled_for_nothing_and_buttons_still_act(page: Page) -> None:
    seed(password=PASSWORD)
    log_in(page, "accueil@malpasse.demo.fr", PASSWORD)
    page.goto("/accueil/arrivee/")
    page.get_by_role("button", name="Information").click()
    polls: list[tuple[int, str | None]] = []

    def on_response(response: Response) -> None:
        if "/accueil/file/lignes/" in response.url:
            polls.append((response.status, response.request.headers.get("x-queue-version")))

    page.on("response", on_response)
    page.goto("/accueil/")
    assert_accessible(page)
    page.wait_for_timeout(21_500)  # two polls (every 10 s)
    assert [status for status, _ in polls[:2]] == [200, 204], polls
    assert polls[0][1] is None and polls[1][1]  # the second one sent the version back
    expect(page.get_by_role("button", name="Appeler — ticket 001")).to_be_visible()
    page.get_by_role("button", name="Appeler — ticket 001").click()
    expect(page.get_by_role("status").or_(page.get_by_role("alert")).first).to_contain_text("001")
    assert Passage.objects.get().status == Status.CALLED
    assert page.url.endswith("/accueil/")
