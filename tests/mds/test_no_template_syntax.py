"""No page prints template syntax: a ``{# … #}`` spanning two lines (Django's ``{# #}`` is one
line only) or a broken tag shows as text to the user. Every page of the URL x role table, as
each role that may open it, plus the public pages of the journeys."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.url_roles import PAGES
from tests.url_table import Page

pytestmark = pytest.mark.django_db

MARKERS = ("{#", "#}", "{%", "{{")
GET_CASES = [(page, role) for page in PAGES if page.method == "get" for role in sorted(page.roles)]


def _assert_clean(url: str, html: str) -> None:
    found = [marker for marker in MARKERS if marker in html]
    assert not found, f"{url} affiche {found} : {html[html.find(found[0]) - 200 :][:400]}"


@pytest.mark.parametrize(("page", "role"), GET_CASES, ids=[f"{p.name}-{r}" for p, r in GET_CASES])
def test_no_page_prints_template_syntax(
    page: Page, role: str, client_as: Callable[..., Client], url_context: dict[str, Any]
) -> None:
    url = reverse(page.name, kwargs=page.kwargs(url_context))
    response = client_as(role).get(url, page.data)
    if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
        _assert_clean(url, response.content.decode())


@pytest.mark.parametrize(
    "name",
    ["account_login", "account_reset_password", "accessibility"],
)
def test_no_public_page_prints_template_syntax(name: str) -> None:
    url = reverse(name)
    _assert_clean(url, Client().get(url).content.decode())


def test_no_template_has_a_comment_spanning_lines() -> None:
    """Pages outside the table too: ``{#`` must close on its own line in every template."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for pattern in ("templates/**/*.html", "*/templates/**/*.html")
        for path in root.glob(pattern)
        if ".venv" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if line.count("{#") != line.count("#}")
    ]
    assert not offenders, offenders
