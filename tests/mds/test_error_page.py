"""The server error page (issue 13, item 17): readable on a tablet, and rendered without the
database or any context processor (the failing part may be the database)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from mds.errors import server_error


@pytest.mark.django_db
def test_the_500_page_needs_no_database_and_has_a_viewport_and_a_stylesheet(
    django_assert_num_queries: object,
) -> None:
    with django_assert_num_queries(0):  # type: ignore[operator]
        response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert 'href="/static/css/error.css"' in html
    assert "style=" not in html and "<style" not in html and "<script" not in html


def test_the_500_page_tells_the_agent_to_look_at_the_queue_before_checking_in_again() -> None:
    # Issue 13, item 16, without JavaScript: the check-in may have been recorded before the
    # page that followed failed; checking the queue first avoids a second ticket.
    html = server_error(RequestFactory().get("/")).content.decode()
    assert "Regardez d'abord la file d'attente" in html
    assert 'href="/"' in html
