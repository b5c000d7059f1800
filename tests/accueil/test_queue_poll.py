"""The waiting list's 10 s poll at ~100 waiting: nothing re-sent while the queue is unchanged,
under 5 KB gzipped when it changed, and no secret in the compressed rows (BREACH)."""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Callable, Iterator

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accueil.models import Priority, Status
from mds.models import MDS, User
from mds.roles import Role
from tests.accueil.factories import PassageFactory

pytestmark = pytest.mark.django_db

ROWS = reverse("accueil:queue_rows")
POLL = {"X-Poll": "1", "HX-Request": "true"}
NAMES = ["Amina", "Jean-Pierre", "Fatou", "Nicolas", "Samia", "Luc", "Khadija", "Marie"]


def waiting_crowd(mds: MDS, count: int = 100) -> None:
    """A busy morning: mostly anonymous, some first names, priorities, a few called."""
    start = timezone.now() - dt.timedelta(hours=2)
    for i in range(count):
        PassageFactory(
            mds=mds,
            ticket_number=i + 1,
            arrived_at=start + dt.timedelta(seconds=70 * i),
            alias=NAMES[i % len(NAMES)] if i % 3 == 0 else "",
            priority=Priority.PREGNANCY if i % 11 == 0 else Priority.NONE,
            status=Status.CALLED if i % 9 == 0 else Status.WAITING,
            desk="Bureau 2" if i % 9 == 0 else "",
        )


@pytest.fixture
def frozen() -> Iterator[None]:
    with time_machine.travel(timezone.now(), tick=False):
        yield


@pytest.fixture
def agent_client(member: Callable[..., User], mds_a: MDS) -> Client:
    client = Client()
    client.force_login(member(Role.ACCUEIL, mds_a))
    return client


def test_an_unchanged_queue_is_answered_204_with_no_body(
    frozen: None, agent_client: Client, mds_a: MDS
) -> None:
    waiting_crowd(mds_a)
    first = agent_client.get(ROWS, headers=POLL)
    assert first.status_code == 200
    version = first["X-Queue-Version"]
    again = agent_client.get(ROWS, headers={**POLL, "X-Queue-Version": version})
    assert again.status_code == 204
    assert again.content == b""
    assert again["X-Queue-Version"] == version


def test_a_change_in_the_queue_sends_the_new_rows(
    frozen: None, agent_client: Client, mds_a: MDS
) -> None:
    waiting_crowd(mds_a, 10)
    version = agent_client.get(ROWS, headers=POLL)["X-Queue-Version"]
    PassageFactory(mds=mds_a, ticket_number=77, alias="Nouvelle")
    changed = agent_client.get(ROWS, headers={**POLL, "X-Queue-Version": version})
    assert changed.status_code == 200
    assert changed["X-Queue-Version"] != version
    assert "Nouvelle" in changed.content.decode()


def test_a_changed_poll_at_100_waiting_is_under_5_kb_gzipped(
    frozen: None, agent_client: Client, mds_a: MDS
) -> None:
    waiting_crowd(mds_a)
    response = agent_client.get(ROWS, headers={**POLL, "Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert html.count("<tr") == 100
    assert len(response.content) <= 5 * 1024, len(response.content)


def test_the_polled_rows_hold_no_secret_the_page_form_does(
    agent_client: Client, mds_a: MDS
) -> None:
    waiting_crowd(mds_a, 3)
    rows = agent_client.get(ROWS).content.decode()
    assert "csrfmiddlewaretoken" not in rows
    assert "<form" not in rows
    assert 'form="queue-actions"' in rows
    page = agent_client.get(reverse("accueil:home")).content.decode()
    assert '<form id="queue-actions" method="post"' in page
    assert "csrfmiddlewaretoken" in page
    assert 'src="/static/js/queue.js"' in page


def test_a_row_button_still_acts_through_the_page_form(agent_client: Client, mds_a: MDS) -> None:
    waiting_crowd(mds_a, 1)
    rows = agent_client.get(ROWS).content.decode()
    action = rows.split('formaction="')[1].split('"')[0]
    response = agent_client.post(action, {"action": "call", "next": "/accueil/"})
    assert response.status_code == 302 and response["Location"] == "/accueil/"
