"""Odd input never gives a 500: Unicode digits, NUL characters, reused forms."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from mds.models import MDS, User
from mds.roles import Role

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/mediation/?passage=%C2%B2", 200),  # not an id: ignored
        ("/mediation/accompagnement/?passage=%C2%B2", 200),
        ("/mediation/accompagnement/?usager=%C2%B2&aide=%C2%B2&demarches=%C2%B2", 200),
        ("/mediation/usagers/?q=%00", 400),  # RejectNulMiddleware
    ],
)
def test_odd_query_values_never_crash(
    member: Callable[..., User], mds_a: MDS, url: str, status: int
) -> None:
    response = _client(member(Role.MEDIATEUR, mds_a)).get(url)
    assert response.status_code == status


def test_a_nul_character_is_refused_with_a_french_message(mds_a: MDS) -> None:
    for url in ("/ecran/%00/", f"/ecran/{mds_a.board_token}/?langue=%00", "/healthz?x=%00"):
        response = Client().get(url)
        assert response.status_code in (400, 404)
    response = Client().get(f"/ecran/{mds_a.board_token}/?langue=%00")
    assert "caractère interdit" in response.content.decode()


@pytest.mark.parametrize("value", ["²", "٣", "-1", "abc", "999999999"])
def test_odd_mds_ids_in_posts_never_crash(
    member: Callable[..., User], mds_a: MDS, value: str
) -> None:
    import uuid

    client = _client(member(Role.ACCUEIL, mds_a))
    assert client.post("/mds/choisir/", {"mds": value}).status_code == 302
    response = client.post(
        "/accueil/arrivee/",
        {"client_token": str(uuid.uuid4()), "motive": "information", "mds": value},
    )
    assert response.status_code == 400
    assert "MDS inconnue" in response.content.decode()


def test_a_revoked_administrator_loses_the_admin_at_once(
    member: Callable[..., User],
) -> None:
    from mds.models import Membership

    admin = member(Role.ADMIN, None)
    client = _client(admin)
    assert client.get("/admin/").status_code == 200
    Membership.objects.filter(user=admin).update(is_active=False)
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/mds/user/").status_code == 302


def test_staff_accounts_need_totp_even_without_a_role(db: None) -> None:
    from tests.factories import UserFactory

    staff = UserFactory()
    User.objects.filter(pk=staff.pk).update(is_staff=True, is_superuser=True)
    response = _client(User.objects.get(pk=staff.pk)).get("/", follow=True)
    assert "double authentification" in response.content.decode()


def test_revoking_the_admin_role_in_the_admin_clears_the_flags(
    member: Callable[..., User],
) -> None:
    from mds.models import Membership

    boss = member(Role.ADMIN, None)
    other_admin = member(Role.ADMIN, None)
    assert User.objects.get(pk=other_admin.pk).is_superuser
    membership = Membership.objects.get(user=other_admin)
    client = _client(boss)
    response = client.post(f"/admin/mds/membership/{membership.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    other_admin.refresh_from_db()
    assert not other_admin.is_superuser and not other_admin.is_staff
