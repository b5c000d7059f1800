"""« Clôturer la journée » at the desk: confirmation with the count, then the same service."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from django.test import Client

from accueil import services
from accueil.models import Passage, Status
from mds.models import MDS, User
from mds.roles import Role
from tests.accueil.factories import motive

URL = "/accueil/cloture/"


def _arrive(mds: MDS, agent: User) -> Passage:
    return services.check_in(
        mds=mds, agent=agent, motive=motive(), client_token=uuid.uuid4()
    ).passage


@pytest.mark.django_db
def test_the_desk_confirms_with_the_number_still_waiting_then_closes(
    member: Callable[..., User], mds_a: MDS, mds_b: MDS
) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    waiting = [_arrive(mds_a, agent) for _ in range(3)]
    services.transition(passage_id=waiting[0].pk, actor=agent, action="start")
    other_site = _arrive(mds_b, member(Role.ACCUEIL, mds_b))
    client = Client()
    client.force_login(agent)
    home = client.get("/accueil/").content.decode()
    assert URL in home
    page = client.get(URL).content.decode()
    assert "2 personnes attendent encore" in page
    response = client.post(URL, follow=True)
    assert response.redirect_chain[-1][0] == "/accueil/"
    assert "2 personnes notées « parties sans être reçues »" in response.content.decode()
    statuses = {p.pk: p.status for p in Passage.objects.all()}
    assert statuses[waiting[0].pk] == Status.IN_PROGRESS  # with a professional: left alone
    assert statuses[waiting[1].pk] == statuses[waiting[2].pk] == Status.LEFT
    assert statuses[other_site.pk] == Status.WAITING  # another MDS is not closed
    # a double submit (or Back then submit) changes nothing more and says so
    again = client.post(URL, follow=True).content.decode()
    assert "plus personne n&#x27;attendait" in again or "plus personne n'attendait" in again
    assert Passage.objects.filter(status=Status.LEFT).count() == 2


@pytest.mark.django_db
def test_the_secretariat_closes_from_its_desk(client_as: Callable[..., Client]) -> None:
    client = client_as(Role.SECRETARIAT)
    assert URL in client.get("/file/").content.decode()
    assert "Plus personne n" in client.get(URL).content.decode()
    response = client.post(URL)
    assert response.status_code == 302 and response["Location"] == "/file/"


@pytest.mark.django_db
def test_a_mediator_neither_sees_nor_reaches_the_close(client_as: Callable[..., Client]) -> None:
    client = client_as(Role.MEDIATEUR)
    assert URL not in client.get("/file/").content.decode()
    assert client.post(URL).status_code == 403
