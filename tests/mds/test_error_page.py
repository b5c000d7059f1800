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
