"""The person searches of the vault and of the DPO: odd input never gives a 500."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from mds.models import MDS, User
from mds.roles import Role
from tests.accompagnement.factories import UsagerFactory

# (query, expected status): a NUL character is refused by the project's middleware (400, in
# French); everything else shows the search page, with or without results.
ODD = [
    ("²", 200),
    ("٣", 200),
    ("12²", 200),
    (" 7 ", 200),
    ("%00", 200),
    ("x" * 100_000, 200),
    ("\x00", 400),
]
ODD_IDS = ["sup2", "arabic3", "mixed", "spaces", "pct00", "100k", "nul"]


@pytest.mark.parametrize(
    "role,url_name", [(Role.MEDIATEUR, "rgpd:vault_home"), (Role.DPO, "rgpd:person_search")]
)
@pytest.mark.parametrize(("query", "status"), ODD, ids=ODD_IDS)
def test_odd_search_input_never_crashes(
    member: Callable[..., User], mds_a: MDS, role: str, url_name: str, query: str, status: int
) -> None:
    client = Client()
    client.force_login(member(role))
    response = client.get(reverse(url_name), {"q": query})
    assert response.status_code == status
    if status == 400:
        assert "caractère interdit" in response.content.decode()


@pytest.mark.parametrize(
    "role,url_name", [(Role.MEDIATEUR, "rgpd:vault_home"), (Role.DPO, "rgpd:person_search")]
)
def test_a_number_finds_the_person_and_a_unicode_digit_does_not(
    member: Callable[..., User], mds_a: MDS, role: str, url_name: str
) -> None:
    usager = UsagerFactory(mds=mds_a, display_name="Zoé")
    client = Client()
    client.force_login(member(role))
    found = client.get(reverse(url_name), {"q": str(usager.pk)}).content.decode()
    assert "Zoé" in found
    missed = client.get(reverse(url_name), {"q": "²"})
    assert missed.status_code == 200
    assert "Zoé" not in missed.content.decode()
