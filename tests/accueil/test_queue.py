"""Waiting list, state machine, calls from a desk, day close, board, tablet idle logout."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accueil import selectors, services
from accueil.models import Passage, Priority, Status, allowed_actions
from accueil.services import Action
from mds.models import MDS, User
from mds.roles import Role
from tests.accueil.factories import PassageFactory, motive

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def _arrive(mds: MDS, agent: User, code: str = "mediation", **kwargs: object) -> Passage:
    return services.check_in(
        mds=mds, agent=agent, motive=motive(code), client_token=uuid.uuid4(), **kwargs
    ).passage


def test_waiting_list_puts_priority_first_then_arrival(
    member: Callable[..., User], mds_a: MDS
) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    first = _arrive(mds_a, agent)
    second = _arrive(mds_a, agent)
    pregnant = _arrive(mds_a, agent, priority=Priority.PREGNANCY)
    order = [p.pk for p in selectors.waiting_list(user=agent, mds=mds_a)]
    assert order == [pregnant.pk, first.pk, second.pk]


def test_an_agent_of_mds_a_sees_nothing_of_mds_b(
    member: Callable[..., User], mds_a: MDS, mds_b: MDS
) -> None:
    agent_a = member(Role.ACCUEIL, mds_a)
    agent_b = member(Role.ACCUEIL, mds_b)
    theirs = _arrive(mds_b, agent_b, alias="Zoubida")
    assert not selectors.waiting_list(user=agent_a, mds=mds_b).exists()
    client = Client()
    client.force_login(agent_a)
    assert "Zoubida" not in client.get(reverse("accueil:home")).content.decode()
    assert client.get(reverse("accueil:passage", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("accueil:ticket", args=[theirs.pk])).status_code == 404
    response = client.post(
        reverse("accueil:passage_action", args=[theirs.pk]), {"action": "left"}, follow=True
    )
    assert "pas dans votre MDS" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.status == Status.WAITING


ALLOWED = [
    (Status.WAITING, Action.CALL, Status.CALLED),
    (Status.CALLED, Action.CALL, Status.CALLED),
    (Status.CALLED, Action.REQUEUE, Status.WAITING),
    (Status.WAITING, Action.START, Status.IN_PROGRESS),
    (Status.CALLED, Action.START, Status.IN_PROGRESS),
    (Status.IN_PROGRESS, Action.FINISH, Status.DONE),
    (Status.WAITING, Action.LEFT, Status.LEFT),
    (Status.CALLED, Action.LEFT, Status.LEFT),
    (Status.WAITING, Action.CANCEL, Status.CANCELLED),
    (Status.CALLED, Action.CANCEL, Status.CANCELLED),
    (Status.IN_PROGRESS, Action.CANCEL, Status.CANCELLED),
    (Status.WAITING, Action.REORIENT, Status.WAITING),
    (Status.IN_PROGRESS, Action.REORIENT, Status.WAITING),
]


def _bring_to(passage: Passage, status: str, agent: User) -> None:
    path = {
        Status.WAITING: [],
        Status.CALLED: [Action.CALL],
        Status.IN_PROGRESS: [Action.START],
        Status.DONE: [Action.START, Action.FINISH],
        Status.LEFT: [Action.LEFT],
        Status.REORIENTED: [Action.REORIENT],
        Status.CANCELLED: [Action.CANCEL],
    }[status]
    for action in path:
        services.transition(
            passage_id=passage.pk,
            actor=agent,
            action=action,
            desk="Accueil",
            reason="erreur de saisie",
            partner="Centre social" if status == Status.REORIENTED else "",
        )


@pytest.mark.parametrize(("start", "action", "end"), ALLOWED)
def test_allowed_transitions(
    member: Callable[..., User], mds_a: MDS, start: str, action: str, end: str
) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    passage = _arrive(mds_a, agent)
    _bring_to(passage, start, agent)
    result = services.transition(
        passage_id=passage.pk,
        actor=agent,
        action=action,
        desk="Bureau 3",
        target_role=Role.TRAVAILLEUR_SOCIAL,
        reason="doublon",
    )
    assert result.status == end
    assert result.events.last().to_status == end  # type: ignore[union-attr]


FORBIDDEN = [
    (start, action)
    for start in Status.values
    for action in services.TRANSITIONS
    if start not in services.TRANSITIONS[action][0]
]


@pytest.mark.parametrize(("start", "action"), FORBIDDEN)
def test_forbidden_transitions_are_refused_with_a_clear_message(
    member: Callable[..., User], mds_a: MDS, start: str, action: str
) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    passage = _arrive(mds_a, agent)
    _bring_to(passage, start, agent)
    with pytest.raises(ValidationError, match="Impossible de"):
        services.transition(
            passage_id=passage.pk, actor=agent, action=action, desk="B", reason="r", partner="P"
        )
    passage.refresh_from_db()
    assert passage.status == start


def test_reorienting_to_a_partner_ends_the_visit(member: Callable[..., User], mds_a: MDS) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    passage = _arrive(mds_a, agent)
    done = services.transition(
        passage_id=passage.pk, actor=agent, action=Action.REORIENT, partner="Emmaüs Connect"
    )
    assert done.status == Status.REORIENTED
    assert done.ended_at is not None


def test_cancel_needs_a_reason_and_the_desk_role(member: Callable[..., User], mds_a: MDS) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    mediator = member(Role.MEDIATEUR, mds_a)
    passage = _arrive(mds_a, agent)
    with pytest.raises(ValidationError, match="pourquoi"):
        services.transition(passage_id=passage.pk, actor=agent, action=Action.CANCEL)
    with pytest.raises(ValidationError, match="Votre rôle ne permet pas"):
        services.transition(passage_id=passage.pk, actor=mediator, action=Action.CANCEL, reason="x")


def test_unknown_action_and_tampered_ids_are_refused(
    member: Callable[..., User], mds_a: MDS
) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    passage = _arrive(mds_a, agent)
    with pytest.raises(ValidationError, match="Action inconnue"):
        services.transition(passage_id=passage.pk, actor=agent, action="teleport")
    with pytest.raises(ValidationError, match="n'existe pas"):
        services.transition(passage_id=10**9, actor=agent, action=Action.CALL, desk="B")
    client = Client()
    client.force_login(agent)
    response = client.post("/accueil/passage/abc/action/", {"action": "call"})
    assert response.status_code == 404
    response = client.post(
        reverse("accueil:passage_action", args=[10**9]), {"action": "call"}, follow=True
    )
    assert response.status_code == 200
    assert "n&#x27;existe pas" in response.content.decode()


def test_waiting_and_service_times_are_computed_across_midnight_and_dst(
    member: Callable[..., User], mds_a: MDS
) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    # Night of the switch to summer time (29 March 2026, 2:00 -> 3:00 in Paris).
    with time_machine.travel(dt.datetime(2026, 3, 28, 23, 40, tzinfo=PARIS), tick=False):
        passage = _arrive(mds_a, agent)
    with time_machine.travel(dt.datetime(2026, 3, 29, 3, 10, tzinfo=PARIS), tick=False):
        services.transition(passage_id=passage.pk, actor=agent, action=Action.CALL, desk="A")
    with time_machine.travel(dt.datetime(2026, 3, 29, 3, 25, tzinfo=PARIS), tick=False):
        services.transition(passage_id=passage.pk, actor=agent, action=Action.START)
    with time_machine.travel(dt.datetime(2026, 3, 29, 3, 55, tzinfo=PARIS), tick=False):
        done = services.transition(passage_id=passage.pk, actor=agent, action=Action.FINISH)
    # 23:40 CET -> 03:10 CEST is 2 h 30 of real time, not 3 h 30
    assert done.waiting_time() == dt.timedelta(hours=2, minutes=30)
    assert done.service_time() == dt.timedelta(minutes=30)
    assert done.day == dt.date(2026, 3, 28)


def test_a_professional_calls_the_next_person_for_their_service(
    member: Callable[..., User], mds_a: MDS
) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    mediator = member(Role.MEDIATEUR, mds_a)
    _arrive(mds_a, agent, code="rdv-social")  # for a social worker: not the mediator's
    for_mediator = _arrive(mds_a, agent, code="mediation")
    called = services.call_next(mds=mds_a, actor=mediator, role=Role.MEDIATEUR, desk="Bureau 2")
    assert called is not None and called.pk == for_mediator.pk
    assert (called.status, called.desk, called.called_by) == (Status.CALLED, "Bureau 2", mediator)
    assert services.call_next(mds=mds_a, actor=mediator, role=Role.MEDIATEUR, desk="B2") is None


def test_the_mediators_reception_leads_to_logging_the_session(
    member: Callable[..., User], mds_a: MDS
) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    mediator = member(Role.MEDIATEUR, mds_a)
    passage = _arrive(mds_a, agent)
    client = Client()
    client.force_login(mediator)
    client.post(reverse("accueil:call_next"), {"desk": "Bureau 2"})
    response = client.post(
        reverse("accueil:passage_action", args=[passage.pk]), {"action": "start"}
    )
    assert response["Location"].endswith(f"?passage={passage.pk}")
    passage.refresh_from_db()
    assert passage.handled_by == mediator


def test_call_without_a_desk_is_explained(member: Callable[..., User], mds_a: MDS) -> None:
    client = Client()
    client.force_login(member(Role.MEDIATEUR, mds_a))
    response = client.post(reverse("accueil:call_next"), {"desk": ""}, follow=True)
    assert "Indiquez le bureau" in response.content.decode()


def test_day_close_marks_the_still_waiting_as_left(member: Callable[..., User], mds_a: MDS) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    waiting = _arrive(mds_a, agent)
    called = _arrive(mds_a, agent)
    services.transition(passage_id=called.pk, actor=agent, action=Action.CALL, desk="A")
    busy = _arrive(mds_a, agent)
    services.transition(passage_id=busy.pk, actor=agent, action=Action.START)
    assert services.close_day(mds=mds_a, day=timezone.localdate()) == 2
    statuses = dict(Passage.objects.values_list("pk", "status"))
    assert statuses == {
        waiting.pk: Status.LEFT,
        called.pk: Status.LEFT,
        busy.pk: Status.IN_PROGRESS,
    }
    assert services.close_day(mds=mds_a, day=timezone.localdate()) == 0  # idempotent


def test_the_board_shows_tickets_and_desks_never_names_or_motives(
    member: Callable[..., User], mds_a: MDS
) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    passage = _arrive(mds_a, agent, alias="Karima", code="rdv-social")
    services.transition(passage_id=passage.pk, actor=agent, action=Action.CALL, desk="Bureau 7")
    # the desk is reference data: its name follows the board's language (issue 13)
    for lang, desk in (("fr", "Bureau 7"), ("en", "Office 7"), ("ar", "المكتب 7")):
        for name in ("accueil:board", "accueil:board_content"):
            html = Client().get(reverse(name, args=[mds_a.board_token]), {"langue": lang})
            text = html.content.decode()
            assert passage.ticket_label in text and desk in text
            assert "Karima" not in text
            assert "travailleur social" not in text.lower()
    arabic = Client().get(reverse("accueil:board", args=[mds_a.board_token]), {"langue": "ar"})
    assert 'dir="rtl"' in arabic.content.decode()
    assert Client().get(reverse("accueil:board", args=["mauvais-jeton"])).status_code == 404


def test_queue_pages_use_a_constant_number_of_queries(
    member: Callable[..., User], mds_a: MDS
) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    client = Client()
    client.force_login(agent)
    client.get(reverse("accueil:home"))  # warm the session

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    board = reverse("accueil:board_content", args=[mds_a.board_token])
    urls = [reverse("accueil:home"), reverse("accueil:queue_rows"), board]
    before = [count(url) for url in urls]
    now = timezone.now()
    for i in range(30):
        PassageFactory(mds=mds_a, ticket_number=100 + i, alias=f"P{i}", arrived_at=now)
        PassageFactory(
            mds=mds_a,
            ticket_number=200 + i,
            status=Status.CALLED,
            desk="B",
            arrived_at=now,
            called_at=now + dt.timedelta(seconds=i),
        )
    after = [count(url) for url in urls]
    assert before == after
    assert max(after) <= 12


def test_the_tablet_logs_out_after_the_mds_idle_time(
    member: Callable[..., User], mds_a: MDS
) -> None:
    mds_a.idle_logout_minutes = 10
    mds_a.save()
    client = Client()
    client.force_login(member(Role.ACCUEIL, mds_a))
    start = dt.datetime(2026, 3, 10, 9, 0, tzinfo=PARIS)
    with time_machine.travel(start, tick=False):
        assert client.get(reverse("accueil:home")).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=9), tick=False):
        # polling does not count as activity…
        client.get(reverse("accueil:queue_rows"), headers={"X-Poll": "1"})
    with time_machine.travel(start + dt.timedelta(minutes=11), tick=False):
        response = client.get(reverse("accueil:home"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_login")
    assert "inactivité" in response.content.decode()


def test_a_mediator_is_not_logged_out_by_the_tablet_rule(
    member: Callable[..., User], mds_a: MDS
) -> None:
    client = Client()
    client.force_login(member(Role.MEDIATEUR, mds_a))
    start = dt.datetime(2026, 3, 10, 9, 0, tzinfo=PARIS)
    with time_machine.travel(start, tick=False):
        client.get(reverse("accueil:desk"))
    with time_machine.travel(start + dt.timedelta(minutes=30), tick=False):
        assert client.get(reverse("accueil:desk")).status_code == 200


def test_reference_lists_are_in_the_admin_and_passages_are_read_only(
    member: Callable[..., User], mds_a: MDS
) -> None:
    admin = member(Role.ADMIN, None)
    passage = _arrive(mds_a, member(Role.ACCUEIL, mds_a))
    client = Client()
    client.force_login(admin)
    assert client.get("/admin/accueil/motive/").status_code == 200
    assert client.get("/admin/accueil/language/").status_code == 200
    page = client.get(f"/admin/accueil/passage/{passage.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content


def test_the_desk_page_uses_a_constant_number_of_queries(
    member: Callable[..., User], mds_a: MDS
) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    mediator = member(Role.MEDIATEUR, mds_a)
    client = Client()
    client.force_login(mediator)
    _arrive(mds_a, agent)
    services.call_next(mds=mds_a, actor=mediator, role=Role.MEDIATEUR, desk="B2")
    client.get(reverse("accueil:desk"))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("accueil:desk")).status_code == 200
        return len(queries)

    before = count()
    for _ in range(15):
        _arrive(mds_a, agent)
        _arrive(mds_a, agent, code="rdv-social")
    assert count() == before


def test_actions_in_refreshed_rows_lead_back_to_the_page_not_the_fragment(
    member: Callable[..., User], mds_a: MDS
) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    mediator = member(Role.MEDIATEUR, mds_a)
    _arrive(mds_a, agent)
    rows = Client()
    rows.force_login(agent)
    # the rows' buttons submit the page's form, whose "next" is the page (not the fragment)
    assert 'form="queue-actions"' in rows.get(reverse("accueil:queue_rows")).content.decode()
    assert 'name="next" value="/accueil/"' in rows.get(reverse("accueil:home")).content.decode()
    desk = Client()
    desk.force_login(mediator)
    html = desk.get(reverse("accueil:queue_rows"), {"pour": Role.MEDIATEUR}).content.decode()
    assert 'form="queue-actions"' in html
    assert 'name="next" value="/file/"' in desk.get(reverse("accueil:desk")).content.decode()


#: The one-tap buttons of a queue row, by status (what the agents see today).
ROW_BUTTONS = {
    Status.WAITING: ["call", "start", "left"],
    Status.CALLED: ["start", "requeue", "left"],
    Status.IN_PROGRESS: ["finish"],
}


@pytest.mark.parametrize("status", list(ROW_BUTTONS))
def test_queue_row_buttons_come_from_the_state_machine_and_each_is_accepted(
    member: Callable[..., User], mds_a: MDS, status: str
) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    passage = _arrive(mds_a, agent)
    _bring_to(passage, status, agent)
    client = Client()
    client.force_login(agent)
    html = client.get(reverse("accueil:queue_rows")).content.decode()
    shown = re.findall(r'name="action" value="(\w+)"', html)
    assert shown == ROW_BUTTONS[status]
    passage.refresh_from_db()
    assert set(shown) <= set(allowed_actions(passage))
    for action in shown:  # every button shown is one the service accepts
        fresh = _arrive(mds_a, agent)
        _bring_to(fresh, status, agent)
        result = services.transition(
            passage_id=fresh.pk, actor=agent, action=action, desk="Bureau 1"
        )
        assert result.status != status


@pytest.mark.parametrize(
    ("status", "buttons"),
    [(Status.CALLED, ["start", "call", "requeue"]), (Status.IN_PROGRESS, ["finish"])],
)
def test_desk_buttons_come_from_the_state_machine(
    member: Callable[..., User], mds_a: MDS, status: str, buttons: list[str]
) -> None:
    mediator = member(Role.MEDIATEUR, mds_a)
    passage = _arrive(mds_a, member(Role.ACCUEIL, mds_a))
    _bring_to(passage, status, mediator)
    client = Client()
    client.force_login(mediator)
    html = client.get(reverse("accueil:desk")).content.decode()
    current = html.split("card-body", 1)[1].split("</form>", 1)[0]
    assert re.findall(r'name="action" value="(\w+)"', current) == buttons
    passage.refresh_from_db()
    assert set(buttons) <= set(allowed_actions(passage))


@pytest.mark.parametrize("status", [Status.WAITING, Status.IN_PROGRESS, Status.DONE])
def test_passage_page_offers_reorient_and_cancel_only_when_allowed(
    member: Callable[..., User], mds_a: MDS, status: str
) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    passage = _arrive(mds_a, agent)
    _bring_to(passage, status, agent)
    client = Client()
    client.force_login(agent)
    html = client.get(reverse("accueil:passage", args=[passage.pk])).content.decode()
    offered = set(re.findall(r'name="action" value="(\w+)"', html))
    passage.refresh_from_db()
    assert offered == {"reorient", "cancel"} & set(allowed_actions(passage))
    assert bool(offered) == (status != Status.DONE)


def test_the_accueil_templates_do_not_re_encode_the_transitions() -> None:
    folder = Path(settings.BASE_DIR) / "templates/accueil"
    for name in ("_queue_rows.html", "desk.html", "passage.html"):
        source = (folder / name).read_text()
        assert 'status == "called"' not in source and 'status == "waiting"' not in source, name
        assert "is_active" not in source, name
    assert "row_buttons" in (folder / "_queue_rows.html").read_text()
    assert "desk_buttons" in (folder / "desk.html").read_text()


@pytest.mark.parametrize(
    ("post", "expected"),
    [
        (
            {"target_role": Role.TRAVAILLEUR_SOCIAL},
            "réorienté vers : Travailleur social ; la personne attend à nouveau.",
        ),
        ({"partner": "CCAS de Marseille"}, "réorienté vers CCAS de Marseille : passage terminé."),
    ],
)
def test_the_reorientation_message_says_to_whom(
    member: Callable[..., User], mds_a: MDS, post: dict[str, str], expected: str
) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    passage = _arrive(mds_a, agent)
    client = Client()
    client.force_login(agent)
    response = client.post(
        reverse("accueil:passage_action", args=[passage.pk]),
        {"action": "reorient", **post},
        follow=True,
    )
    text = [str(m) for m in response.context["messages"]]
    assert text == [f"Ticket {passage.ticket_label} {expected}"]


def test_the_ticket_page_has_one_h1_holding_the_number(
    member: Callable[..., User], mds_a: MDS
) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    passage = _arrive(mds_a, agent)
    client = Client()
    client.force_login(agent)
    html = client.get(reverse("accueil:ticket", args=[passage.pk])).content.decode()
    headings = re.findall(r"<h1\b.*?</h1>", html, flags=re.S)
    assert len(headings) == 1 and passage.ticket_label in headings[0]
