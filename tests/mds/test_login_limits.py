"""Login limits sized for a shared office: the account lock stays, typos of some agents never
lock out another agent or a re-authentication, and the client address is the real one behind
the trusted HTTPS proxy."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from mds.adapters import client_ip
from mds.models import User
from mds.roles import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/compte/login/"
OFFICE = "203.0.113.7"  # the MDS's one public address (NAT)


def _office_client() -> Client:
    return Client(REMOTE_ADDR=OFFICE)


def _typos(*emails: str, each: int = 4) -> None:
    for email in emails:
        for i in range(each):
            response = _office_client().post(LOGIN, {"login": email, "password": f"faux-{i}"})
            assert response.status_code == 200


def test_typos_of_several_agents_never_block_another_agents_correct_password(
    member: Callable[..., User],
) -> None:
    typists = [member(Role.ACCUEIL) for _ in range(5)]
    _typos(*(u.email for u in typists))  # 20 failures from the office address
    colleague = member(Role.SECRETARIAT)
    response = _office_client().post(LOGIN, {"login": colleague.email, "password": PASSWORD})
    assert response.status_code == 302


def test_typos_at_the_office_never_block_the_reauthentication_of_an_open_session(
    member: Callable[..., User],
) -> None:
    mediator = member(Role.ACCUEIL)
    client = _office_client()
    client.force_login(mediator)
    _typos(*(member(Role.ACCUEIL).email for _ in range(5)))
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] != reverse("account_reauthenticate")


def test_the_account_lock_stays_whatever_the_address(member: Callable[..., User]) -> None:
    agent = member(Role.ACCUEIL)
    for i in range(5):
        Client(REMOTE_ADDR=f"198.51.100.{i + 1}").post(
            LOGIN, {"login": agent.email, "password": f"faux-{i}"}
        )
    response = Client(REMOTE_ADDR="198.51.100.99").post(
        LOGIN, {"login": agent.email, "password": PASSWORD}
    )
    assert "Trop de tentatives de connexion échouées" in response.content.decode()


@override_settings(TRUSTED_PROXIES=["10.0.0.2"])
def test_behind_the_trusted_proxy_each_client_has_its_own_request_budget(db: None) -> None:
    """Everyone arrives from the proxy (10.0.0.2): the per-IP brake must count the clients."""

    def post(client_address: str, i: int) -> int:
        return (
            Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=client_address)
            .post(LOGIN, {"login": f"inconnu{i}@mds.test.fr", "password": "faux"})
            .status_code
        )

    statuses = [post("192.0.2.10", i) for i in range(65)]
    assert statuses[-1] == 429  # that client hit the brake…
    assert post("192.0.2.11", 0) == 200  # …not the one next to it


def test_client_address_skips_trusted_proxies_and_ignores_what_the_client_forged() -> None:
    factory = RequestFactory()
    request = factory.get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.10, 10.0.0.3"
    )
    with override_settings(TRUSTED_PROXIES=["10.0.0.0/24"]):
        assert client_ip(request) == "192.0.2.10"
    with override_settings(TRUSTED_PROXIES=[]):  # no proxy trusted: the header is ignored
        assert client_ip(request) == "10.0.0.2"
    direct = factory.get("/", REMOTE_ADDR="192.0.2.44", HTTP_X_FORWARDED_FOR="6.6.6.6")
    with override_settings(TRUSTED_PROXIES=["10.0.0.0/24"]):  # not from the proxy: ignored
        assert client_ip(direct) == "192.0.2.44"
