"""The referral pages: bad input (clear French message, nothing lost, no 500), double submit,
markup escaped, constant query counts for the inbox and the sender's list."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accompagnement.models import Usager
from mds.models import MDS, User
from mds.roles import Role
from orientations.models import DeclineReason, Need, ReasonCategory, Referral, State
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "idempotency_key": str(uuid.uuid4()),
        "pseudonym": "Samira",
        "target": "role:travailleur_social",
        "reason_category": ReasonCategory.objects.get(code="evaluation_sociale").pk,
        "needs": [Need.objects.get(code="illettrisme").pk],
        "urgency": "normal",
        "note": "Ne lit pas ; courrier CAF à expliquer.",
        "consent_given": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_referral_is_sent_and_shown_to_its_sender(mediator: User, social: User) -> None:
    client = login(mediator)
    response = client.post("/orientations/nouvelle/", form())
    referral = Referral.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/orientations/{referral.pk}/"
    assert referral.consent_witnessed_by == mediator and referral.consent_given_at is not None
    assert referral.consent_text.purpose.code == "share_social_worker"
    assert list(referral.needs.values_list("code", flat=True)) == ["illettrisme"]
    assert "Envoyée" in client.get("/orientations/envoyees/").content.decode()


def test_without_consent_the_form_comes_back_with_everything_typed(mediator: User) -> None:
    response = login(mediator).post("/orientations/nouvelle/", form(consent_given=None))
    body = response.content.decode()
    assert response.status_code == 400
    assert "Sans l&#x27;accord de la personne" in body
    assert "courrier CAF à expliquer" in body and 'value="Samira"' in body
    assert not Referral.objects.exists()


def test_note_over_the_limit_is_refused_and_kept(mediator: User) -> None:
    long_note = "x" * 601
    response = login(mediator).post("/orientations/nouvelle/", form(note=long_note))
    body = response.content.decode()
    assert response.status_code == 400
    assert "600 caractères au plus (vous en avez écrit 601)" in body
    assert long_note in body
    assert not Referral.objects.exists()


def test_markup_in_the_note_is_escaped(mediator: User, social: User) -> None:
    login(mediator).post("/orientations/nouvelle/", form(note="<script>alert(1)</script><b>x</b>"))
    referral = Referral.objects.get()
    body = login(social).get(f"/orientations/{referral.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;x&lt;/b&gt;" in body


@pytest.mark.parametrize("target", ["user:999999", "role:dpo", "partner:424242", "n'importe"])
def test_unknown_recipient_is_refused_clearly(mediator: User, target: str) -> None:
    response = login(mediator).post("/orientations/nouvelle/", form(target=target))
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Referral.objects.exists()


def test_a_recipient_of_another_mds_is_refused(mediator: User, social_b: User) -> None:
    # forged choice: the form lists only MDS A's people, the service re-checks
    from django.core.exceptions import ValidationError

    from orientations.services import send_referral
    from tests.orientations.conftest import reason

    with pytest.raises(ValidationError) as error:
        send_referral(
            actor=mediator,
            mds=mediator.memberships.get().mds,  # type: ignore[arg-type]
            reason_category=reason(),
            consent_given=True,
            pseudonym="Samira",
            recipient=social_b,
        )
    assert "n'existe pas dans votre MDS" in str(error.value)
    response = login(mediator).post("/orientations/nouvelle/", form(target=f"user:{social_b.pk}"))
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_a_person_of_another_mds_cannot_be_referred(mediator: User, mds_b: MDS) -> None:
    foreign = Usager.objects.create(mds=mds_b, display_name="Autre")
    response = login(mediator).post(
        "/orientations/nouvelle/", form(usager=foreign.pk, pseudonym="")
    )
    assert response.status_code == 400
    assert "pseudonyme" in response.content.decode()
    assert not Referral.objects.exists()


def test_double_submit_creates_one_referral(mediator: User) -> None:
    data = form()
    client = login(mediator)
    first = client.post("/orientations/nouvelle/", data)
    second = client.post("/orientations/nouvelle/", data)
    assert Referral.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_reused_form_key_after_back_is_refused_with_a_message(mediator: User) -> None:
    data = form()
    client = login(mediator)
    client.post("/orientations/nouvelle/", data)
    other = make_member(Role.MEDIATEUR, mediator.memberships.get().mds)  # type: ignore[arg-type]
    response = login(other).post("/orientations/nouvelle/", data)
    assert response.status_code == 400
    assert "Ce formulaire a déjà servi" in response.content.decode()
    assert Referral.objects.count() == 1


def test_accept_with_a_bad_date_keeps_the_page_and_changes_nothing(
    send: Callable[..., Referral], social: User
) -> None:
    referral = send(target_role="", recipient=social)
    client = login(social)
    response = client.post(
        f"/orientations/{referral.pk}/accepter/",
        {"appointment_at": "31/02/2026 25:00", "appointment_place": "Bureau 2"},
    )
    assert response.status_code == 400
    assert "Saisissez une date et une heure valides" in response.content.decode()
    response = client.post(
        f"/orientations/{referral.pk}/accepter/",
        {"appointment_at": "2020-01-01T10:00", "appointment_place": "Bureau 2"},
    )
    assert response.status_code == 400
    assert "ne peut pas être passé" in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).state == State.SENT


def test_recipient_accepts_then_closes_through_the_pages(
    send: Callable[..., Referral], social: User, mediator: User
) -> None:
    referral = send()
    client = login(social)
    assert client.get(f"/orientations/{referral.pk}/").status_code == 200
    assert Referral.objects.get(pk=referral.pk).state == State.SEEN  # opened by a receiver
    response = client.post(
        f"/orientations/{referral.pk}/accepter/",
        {"appointment_at": "2026-05-12T14:00", "appointment_place": "MDS, bureau 3"},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == State.ACCEPTED and referral.recipient == social
    assert referral.appointment_at == dt.datetime(2026, 5, 12, 12, 0, tzinfo=dt.UTC)
    body = login(mediator).get("/orientations/envoyees/").content.decode()
    assert "Acceptée" in body
    client.post(f"/orientations/{referral.pk}/cloturer/", {"outcome": "Dossier RSA déposé."})
    assert Referral.objects.get(pk=referral.pk).state == State.CLOSED
    # the mediator (sender) may not close someone else's accepted referral
    assert login(mediator).get(f"/orientations/{referral.pk}/cloturer/").status_code == 404


# --- constant query counts ---------------------------------------------------------------


def _fill(n: int, *, mediator: User, social: User, mds: MDS) -> None:
    from orientations.services import send_referral
    from tests.orientations.conftest import reason

    needs = list(Need.objects.all()[:3])
    for i in range(n):
        send_referral(
            actor=mediator,
            mds=mds,
            reason_category=reason(),
            consent_given=True,
            pseudonym=f"P{i}",
            target_role="" if i % 2 else Role.TRAVAILLEUR_SOCIAL,
            recipient=social if i % 2 else None,
            needs=needs[: i % 4],
        )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/orientations/", "/orientations/envoyees/", "/orientations/mds/"])
def test_lists_cost_the_same_number_of_queries_whatever_the_data(
    url: str, mediator: User, social: User, direction: User, mds_a: MDS
) -> None:
    viewer = {"": social, "envoyees": mediator, "mds": direction}[url.split("/")[2]]
    client = login(viewer)
    client.get(url)  # first request of the session (session row, MFA state…): not measured
    _fill(3, mediator=mediator, social=social, mds=mds_a)
    small = _queries(client, url)
    _fill(30, mediator=mediator, social=social, mds=mds_a)
    large = _queries(client, url)
    assert small == large, (small, large)
    assert large <= 12


def test_the_admin_edits_reference_lists_delays_and_partners(mds_a: MDS) -> None:
    client = login(make_member(Role.ADMIN, None, is_staff=True))
    for url in (
        "/admin/orientations/reasoncategory/",
        "/admin/orientations/need/",
        "/admin/orientations/declinereason/",
        "/admin/orientations/referralsettings/add/",
        "/admin/orientations/partner/add/",
    ):
        assert client.get(url).status_code == 200, url
    response = client.post(
        "/admin/orientations/referralsettings/add/",
        {
            "mds": mds_a.pk,
            "remind_after_days": 5,
            "escalate_after_days": 3,
            "expire_after_days": 10,
        },
    )
    assert response.status_code == 200  # refused: escalation before the reminder
    assert "relance &lt; alerte de la direction" in response.content.decode()


def test_back_then_submit_again_on_a_closed_step_gives_a_clear_message(
    send: Callable[..., Referral], social: User
) -> None:
    referral = send(target_role="", recipient=social)
    client = login(social)
    data = {"appointment_at": "2026-05-12T14:00", "appointment_place": "Bureau 2"}
    assert client.post(f"/orientations/{referral.pk}/accepter/", data).status_code == 302
    again = client.post(f"/orientations/{referral.pk}/accepter/", data)
    assert again.status_code == 400
    assert "ne peut plus passer" in again.content.decode()
    declined = client.post(
        f"/orientations/{referral.pk}/refuser/",
        {"reason": DeclineReason.objects.get(code="autre").pk},
    )
    assert declined.status_code == 400
    assert Referral.objects.get(pk=referral.pk).state == State.ACCEPTED


def test_decline_without_reason_and_close_without_outcome_are_refused(
    send: Callable[..., Referral], social: User
) -> None:
    referral = send(target_role="", recipient=social)
    client = login(social)
    response = client.post(f"/orientations/{referral.pk}/refuser/", {"message": "Non."})
    assert response.status_code == 400 and "Ce champ est obligatoire" in response.content.decode()
    client.post(
        f"/orientations/{referral.pk}/accepter/",
        {"appointment_at": "2026-05-12T14:00", "appointment_place": "Bureau 2"},
    )
    response = client.post(f"/orientations/{referral.pk}/cloturer/", {"outcome": "   "})
    assert response.status_code == 400
    assert Referral.objects.get(pk=referral.pk).state == State.ACCEPTED
