"""Every search box gets odd input without a 500 (issue 8 item 6): Unicode digits that
``str.isdigit()`` accepts and ``int()`` may not, a NUL character, 100 000 characters.

The boxes: the mediator's usager list, the vault (``/coffre/``), the DPO's person search
(``/rgpd/personnes/``) and every admin list that has a search field."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from accompagnement.models import Usager
from accompagnement.selectors import search_usagers
from mds.models import MDS
from mds.roles import Role
from tests.accompagnement.factories import UsagerFactory
from tests.factories import make_member

pytestmark = pytest.mark.django_db

#: value → the status every box answers (NUL is refused by RejectNulMiddleware, in French).
ODD_VALUES = {
    "²": 200,
    "٣": 200,
    "12²": 200,
    "\x00": 400,
    "x" * 100_000: 200,
}

APP_BOXES = [
    (Role.MEDIATEUR, "accompagnement:usagers"),
    (Role.MEDIATEUR, "rgpd:vault_home"),
    (Role.DPO, "rgpd:person_search"),
]


def _admin_boxes() -> list[str]:
    return [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for model, model_admin in admin.site._registry.items()
        if model_admin.search_fields
    ]


def test_there_are_admin_search_boxes_to_try() -> None:
    assert len(_admin_boxes()) >= 4


@pytest.mark.parametrize("value", list(ODD_VALUES), ids=["sup2", "arabic3", "mixed", "nul", "100k"])
@pytest.mark.parametrize(("role", "url_name"), APP_BOXES)
def test_odd_input_in_an_app_search_box_never_gives_a_500(
    mds_a: MDS, role: str, url_name: str, value: str
) -> None:
    UsagerFactory(mds=mds_a, display_name="Karim")
    client = Client()
    client.force_login(make_member(role, mds_a))
    response = client.get(f"{reverse(url_name)}?{urlencode({'q': value})}")
    assert response.status_code == ODD_VALUES[value]
    if value == "\x00":
        assert "caractère interdit" in response.content.decode()


@pytest.mark.parametrize("value", list(ODD_VALUES), ids=["sup2", "arabic3", "mixed", "nul", "100k"])
def test_odd_input_in_every_admin_search_box_never_gives_a_500(mds_a: MDS, value: str) -> None:
    client = Client()
    client.force_login(make_member(Role.ADMIN, None))
    for url in _admin_boxes():
        response = client.get(f"{url}?{urlencode({'q': value})}")
        assert response.status_code == ODD_VALUES[value], url


def test_the_usager_search_finds_by_number_with_ascii_digits_only(mds_a: MDS) -> None:
    karim = UsagerFactory(mds=mds_a, display_name="Karim")
    everyone = Usager.objects.all()
    assert list(search_usagers(everyone, str(karim.pk))) == [karim]
    assert list(search_usagers(everyone, "kar")) == [karim]
    assert not search_usagers(everyone, "٣").exists()
    assert not search_usagers(everyone, "   ").exists()
