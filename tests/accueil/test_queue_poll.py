"""The waiting list's 10 s poll at ~100 waiting: nothing re-sent while the queue is unchanged,
under 5 KB gzipped when it changed, and no secret in the compressed rows (BREACH)."""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Callable, Iterator

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accueil.models import Priority, Status
from mds.models import MDS, User
from mds.roles import Role
from tests.accueil.factories import PassageFactory, motive

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


def test_the_list_shows_the_waiting_count_in_all_and_per_motive(
    frozen: None, agent_client: Client, mds_a: MDS
) -> None:
    waiting_crowd(mds_a, 20)  # 17 waiting, 3 called, all "mediation"
    PassageFactory(mds=mds_a, ticket_number=50, motive=motive("information"))
    page = agent_client.get(reverse("accueil:home")).content.decode()
    count = page.split('id="file-compte"')[1].split("</p>")[0]
    assert "<strong>18</strong> en attente" in count and "+ 3 appelées ou reçues" in count
    mediation = page.split('href="/accueil/?motif=mediation"')[1].split("</a>")[0]
    assert '<span class="badge">17<' in mediation
    information = page.split('href="/accueil/?motif=information"')[1].split("</a>")[0]
    assert '<span class="badge">1<' in information


def test_the_motive_filter_is_a_get_parameter_kept_by_the_poll_and_the_buttons(
    frozen: None, agent_client: Client, mds_a: MDS
) -> None:
    waiting_crowd(mds_a, 5)
    PassageFactory(mds=mds_a, ticket_number=50, alias="Info", motive=motive("information"))
    page = agent_client.get(reverse("accueil:home"), {"motif": "information"}).content.decode()
    tbody = page.split('<tbody id="file-attente"')[1].split("</tbody>")[0]
    assert tbody.count("<tr") == 1 and "Info" in tbody
    assert 'hx-get="/accueil/file/lignes/?motif=information"' in page
    assert '<input type="hidden" name="next" value="/accueil/?motif=information">' in page
    assert page.split('href="/accueil/?motif=information"')[1].startswith(' aria-current="page">')
    assert "<strong>5</strong> en attente" in page  # the counts stay over the whole list

    rows = agent_client.get(ROWS, {"motif": "information"}, headers=POLL).content.decode()
    assert rows.split("<template>")[0].count("<tr") == 1
    # the count and the filter come along, swapped out of band by htmx
    assert 'id="file-compte" class="queue-count" hx-swap-oob="true"' in rows
    assert 'id="file-filtre"' in rows and "hx-swap-oob" in rows.split('id="file-filtre"')[1][:200]

    unknown = agent_client.get(reverse("accueil:home"), {"motif": "<script>"})
    assert unknown.status_code == 200
    assert "<script>" not in unknown.content.decode().split("<main")[1].split("<script src")[0]
    assert unknown.content.decode().count('aria-current="page">Tous') == 1


def test_the_filtered_poll_keeps_a_constant_number_of_queries(
    agent_client: Client, mds_a: MDS
) -> None:
    waiting_crowd(mds_a, 3)
    url = f"{ROWS}?motif=information"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert agent_client.get(url, headers=POLL).status_code == 200
        return len(queries)

    count()
    before = count()
    for i in range(20):
        PassageFactory(mds=mds_a, ticket_number=200 + i, motive=motive("information"))
    assert count() == before
