"""Each role reaches only its pages; anonymous visitors go to the login page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.conftest import ALL_ROLES
from tests.url_roles import ANY_LOGGED_IN, LIBRARY_NAMESPACES, PAGES, PUBLIC, Page

OUR_APPS = ("mds", "accueil", "accompagnement", "rgpd", "orientations", "pilotage")


def _named_urls(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            module = getattr(entry.urlconf_module, "__name__", "")
            if entry.namespace in LIBRARY_NAMESPACES or module.startswith("allauth"):
                continue
            names |= _named_urls(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            module = getattr(entry.callback, "__module__", "")
            if module.split(".")[0] in OUR_APPS or module.startswith("django.views.generic"):
                names.add(prefix + entry.name)
    return names


def test_every_named_url_of_our_apps_is_in_the_table() -> None:
    listed = {page.name for page in PAGES} | ANY_LOGGED_IN | PUBLIC
    missing = _named_urls() - listed
    assert not missing, f"Ajoutez ces URL à tests/url_roles.py : {sorted(missing)}"


CASES = [(page, role) for page in PAGES for role in ALL_ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "role"), CASES, ids=[f"{p.name}-{r}" for p, r in CASES])
def test_role_reaches_only_its_pages(
    page: Page, role: str, client_as: Callable[..., Client], url_context: dict[str, Any]
) -> None:
    client = client_as(role)
    url = reverse(page.name, kwargs=page.kwargs(url_context))
    response = getattr(client, page.method)(url, page.data)
    if role in page.roles:
        assert response.status_code in page.ok_status, (page.name, role, response.status_code)
    else:
        assert response.status_code == 403, (page.name, role, response.status_code)
        assert "Accès refusé" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_anonymous_visitor_is_sent_to_login(page: Page, url_context: dict[str, Any]) -> None:
    url = reverse(page.name, kwargs=page.kwargs(url_context))
    response = getattr(Client(), page.method)(url, page.data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ALL_ROLES)
def test_home_sends_each_role_to_its_own_home(role: str, client_as: Callable[..., Client]) -> None:
    from mds.permissions import HOME_BY_ROLE

    response = client_as(role).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(HOME_BY_ROLE[role])
