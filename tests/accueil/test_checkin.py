"""Check-in: ticket numbers, idempotency, opening hours, bad input."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from accueil import services
from accueil.models import Passage, Status
from mds.idempotency import REUSED_FORM
from mds.models import MDS, OpeningPeriod, User
from mds.roles import Role
from tests.accueil.factories import motive

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def _open_all_week(mds: MDS) -> None:
    OpeningPeriod.objects.bulk_create(
        OpeningPeriod(mds=mds, weekday=d, opens_at=dt.time(8, 30), closes_at=dt.time(17))
        for d in range(7)
    )


def test_check_in_hands_out_consecutive_tickets_per_mds_and_day(
    member: Callable[..., User], mds_a: MDS, mds_b: MDS
) -> None:
    agent_a = member(Role.ACCUEIL, mds_a)
    agent_b = member(Role.ACCUEIL, mds_b)
    numbers_a = [
        services.check_in(
            mds=mds_a, agent=agent_a, motive=motive(), client_token=uuid.uuid4()
        ).passage.ticket_number
        for _ in range(3)
    ]
    first_b = services.check_in(
        mds=mds_b, agent=agent_b, motive=motive(), client_token=uuid.uuid4()
    ).passage
    assert numbers_a == [1, 2, 3]
    assert first_b.ticket_number == 1
    assert first_b.status == Status.WAITING
    assert first_b.alias == ""  # anonymous by default
    assert first_b.oriented_to == Role.MEDIATEUR  # from the motive's reference data


def test_ticket_numbers_start_again_the_next_local_day(
    member: Callable[..., User], mds_a: MDS
) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    with time_machine.travel(dt.datetime(2026, 3, 10, 23, 50, tzinfo=PARIS), tick=False):
        late = services.check_in(mds=mds_a, agent=agent, motive=motive(), client_token=uuid.uuid4())
    with time_machine.travel(dt.datetime(2026, 3, 11, 0, 10, tzinfo=PARIS), tick=False):
        early = services.check_in(
            mds=mds_a, agent=agent, motive=motive(), client_token=uuid.uuid4()
        )
    assert (late.passage.day, late.passage.ticket_number) == (dt.date(2026, 3, 10), 1)
    assert (early.passage.day, early.passage.ticket_number) == (dt.date(2026, 3, 11), 1)


def test_a_double_submit_gives_one_passage(member: Callable[..., User], mds_a: MDS) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    token = uuid.uuid4()
    first = services.check_in(mds=mds_a, agent=agent, motive=motive(), client_token=token)
    again = services.check_in(mds=mds_a, agent=agent, motive=motive(), client_token=token)
    assert first.created and not again.created
    assert again.passage.pk == first.passage.pk
    assert Passage.objects.count() == 1


def test_check_in_outside_opening_hours_is_allowed_but_flagged(
    member: Callable[..., User], mds_a: MDS
) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    _open_all_week(mds_a)
    with time_machine.travel(dt.datetime(2026, 3, 10, 7, 45, tzinfo=PARIS), tick=False):
        early = services.check_in(
            mds=mds_a, agent=agent, motive=motive(), client_token=uuid.uuid4()
        )
    with time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=PARIS), tick=False):
        normal = services.check_in(
            mds=mds_a, agent=agent, motive=motive(), client_token=uuid.uuid4()
        )
    assert early.outside_opening_hours
    assert not normal.outside_opening_hours


def test_an_agent_cannot_check_in_at_another_mds(
    member: Callable[..., User], mds_a: MDS, mds_b: MDS
) -> None:
    agent_a = member(Role.ACCUEIL, mds_a)
    with pytest.raises(ValidationError, match="Vous ne pouvez pas enregistrer"):
        services.check_in(mds=mds_b, agent=agent_a, motive=motive(), client_token=uuid.uuid4())
    assert not Passage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_check_ins_get_twenty_consecutive_tickets(
    member: Callable[..., User], mds_a: MDS
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Ce test de concurrence demande PostgreSQL (make test sans ALLOW_SQLITE).")
    agent = member(Role.ACCUEIL, mds_a)
    barrier = threading.Barrier(20)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        from django.db import connections

        try:
            barrier.wait()
            result = services.check_in(
                mds=mds_a, agent=agent, motive=motive(), client_token=uuid.uuid4()
            )
            numbers.append(result.passage.ticket_number)
        except BaseException as error:  # collected, asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sorted(numbers) == list(range(1, 21))


# --- through the HTTP form ---------------------------------------------------------------


def _agent_client(member: Callable[..., User], mds: MDS) -> Client:
    client = Client()
    client.force_login(member(Role.ACCUEIL, mds))
    return client


def test_the_form_creates_an_anonymous_passage_and_shows_the_ticket(
    member: Callable[..., User], mds_a: MDS
) -> None:
    client = _agent_client(member, mds_a)
    page = client.get(reverse("accueil:checkin"))
    token = page.context["form"].initial["client_token"]
    response = client.post(
        reverse("accueil:checkin"),
        {"client_token": token, "motive": "information", "mds": mds_a.pk},
    )
    passage = Passage.objects.get()
    # The ticket in the POST's own answer (no redirect: one round trip less on a slow link), with
    # the ticket's URL for the address bar (static/js/checkin.js).
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="ticket">{passage.ticket_label}<' in html
    assert f'data-url="{reverse("accueil:ticket", args=[passage.pk])}"' in html
    assert "no-store" in response["Cache-Control"]
    # the same form posted again (double tap, or a reload without JS): same ticket, one passage
    again = client.post(
        reverse("accueil:checkin"), {"client_token": token, "motive": "information"}
    )
    assert again.status_code == 200
    assert f'id="ticket">{passage.ticket_label}<' in again.content.decode()
    assert Passage.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"motive": ""}, "Choisissez le motif de venue."),
        ({"motive": "inconnu"}, "Ce motif n'existe pas"),
        ({"motive": "information", "client_token": "pas-un-uuid"}, "Le formulaire a expiré"),
        ({"motive": "information", "language": "xx"}, "Cette langue n'existe pas."),
        ({"motive": "information", "mds": "999999"}, "MDS inconnue"),
        ({"motive": "information", "priority": "vip"}, "Sélectionnez un choix valide"),
    ],
)
def test_bad_check_in_input_gets_a_french_message_and_writes_nothing(
    member: Callable[..., User], mds_a: MDS, data: dict[str, str], message: str
) -> None:
    client = _agent_client(member, mds_a)
    payload = {"client_token": str(uuid.uuid4()), "alias": "Fatima", **data}
    response = client.post(reverse("accueil:checkin"), payload)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in unescape(html)
    assert 'value="Fatima"' in html  # nothing the agent typed is lost
    assert not Passage.objects.exists()


def test_posting_to_another_mds_is_refused(
    member: Callable[..., User], mds_a: MDS, mds_b: MDS
) -> None:
    client = _agent_client(member, mds_a)
    response = client.post(
        reverse("accueil:checkin"),
        {"client_token": str(uuid.uuid4()), "motive": "information", "mds": mds_b.pk},
    )
    assert response.status_code == 400
    assert "MDS inconnue" in response.content.decode()
    assert not Passage.objects.exists()


def test_free_text_is_escaped(member: Callable[..., User], mds_a: MDS) -> None:
    client = _agent_client(member, mds_a)
    client.post(
        reverse("accueil:checkin"),
        {"client_token": str(uuid.uuid4()), "motive": "information", "alias": "<script>x</script>"},
    )
    html = client.get(reverse("accueil:home")).content.decode()
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;" in html


def test_an_appointment_with_a_colleague_reaches_their_desk_list(
    member: Callable[..., User], mds_a: MDS, mds_b: MDS
) -> None:
    social = member(Role.TRAVAILLEUR_SOCIAL, mds_a)
    elsewhere = member(Role.TRAVAILLEUR_SOCIAL, mds_b)
    client = _agent_client(member, mds_a)
    page = client.get(reverse("accueil:checkin")).content.decode()
    assert str(social) in page and str(elsewhere) not in page
    response = client.post(
        reverse("accueil:checkin"),
        {
            "client_token": str(uuid.uuid4()),
            "motive": "information",
            "has_appointment": "on",
            "appointment_with": social.pk,
        },
    )
    assert response.status_code == 200
    passage = Passage.objects.get()
    assert passage.appointment_with == social and passage.has_appointment
    from accueil import selectors

    assert list(selectors.waiting_list(user=social, mds=mds_a, for_role=Role.TRAVAILLEUR_SOCIAL))
    refused = client.post(
        reverse("accueil:checkin"),
        {
            "client_token": str(uuid.uuid4()),
            "motive": "information",
            "appointment_with": elsewhere.pk,
        },
    )
    assert refused.status_code == 400
    assert "ne travaille pas dans cette MDS" in unescape(refused.content.decode())


def test_a_check_in_form_resubmitted_with_other_content_is_refused(
    member: Callable[..., User], mds_a: MDS
) -> None:
    """Back, another motive, submit: refused in French (400), not the old ticket as if saved."""
    client = _agent_client(member, mds_a)
    token = str(uuid.uuid4())
    first = client.post(
        reverse("accueil:checkin"),
        {"client_token": token, "motive": "information", "mds": mds_a.pk},
    )
    assert first.status_code == 200
    passage = Passage.objects.get()
    edited = client.post(
        reverse("accueil:checkin"), {"client_token": token, "motive": "depot", "mds": mds_a.pk}
    )
    assert edited.status_code == 400
    assert REUSED_FORM in unescape(edited.content.decode())
    assert Passage.objects.count() == 1
    passage.refresh_from_db()
    assert passage.motive.code == "information"
