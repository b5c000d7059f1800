"""The mediation pages over HTTP: bad input keeps what was typed, double submits, scoping,
escaping, constant query counts, droits connexes marked as checked."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from html import unescape
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accompagnement.models import (
    KindOfHelp,
    MediationSession,
    Organisme,
    Origin,
    Outcome,
    RelatedRightCheck,
    SocialRight,
)
from accompagnement.services.ateliers import record_atelier
from accompagnement.services.sessions import log_session
from accueil.models import Passage, Status
from mds.models import MDS, User
from mds.roles import Role
from tests.accompagnement.factories import UsagerFactory, ref, session_kwargs
from tests.accueil.factories import PassageFactory
from tests.factories import make_member

pytestmark = pytest.mark.django_db
URL = "/mediation/accompagnement/"


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "idempotency_key": str(uuid.uuid4()),
        "date": dt.date.today().isoformat(),
        "duration_preset": "30",
        "origin": _origin_pk("spontane"),
        "outcome": ref(Outcome, "fait").pk,
        "age_band": "25_39",
        "demarches-TOTAL_FORMS": "1",
        "demarches-INITIAL_FORMS": "0",
        "demarches-MIN_NUM_FORMS": "1",
        "demarches-MAX_NUM_FORMS": "20",
        "demarches-0-organisme": ref(Organisme, "caf").pk,
        "demarches-0-kind_of_help": ref(KindOfHelp, "demarche_en_ligne").pk,
        "demarches-0-mode_of_help": "4",
    }
    data.update(overrides)
    return data


def _origin_pk(code: str) -> int:
    return int(ref(Origin, code).pk)


def test_a_session_posted_twice_is_saved_once(mds_a: MDS) -> None:
    client = _client(make_member(Role.MEDIATEUR, mds_a))
    data = _post_data()
    first = client.post(URL, data)
    again = client.post(URL, data)
    assert first.status_code == again.status_code == 302
    assert MediationSession.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"duration_preset": "autre", "duration_custom": "0"}, "durée"),
        ({"duration_preset": "autre", "duration_custom": "-5"}, "durée"),
        ({"duration_preset": "autre", "duration_custom": "481"}, "8 h"),
        ({"date": (dt.date.today() + dt.timedelta(days=3)).isoformat()}, "futur"),
        ({"demarches-0-kind_of_help": "999999"}, "Sélectionnez un choix valide"),
        ({"outcome": "999999"}, "Sélectionnez un choix valide"),
        ({"demarches-0-mode_of_help": "5"}, "faire pour"),
    ],
)
def test_bad_input_is_refused_in_french_and_nothing_is_lost(
    mds_a: MDS, overrides: dict[str, Any], message: str
) -> None:
    client = _client(make_member(Role.MEDIATEUR, mds_a))
    data = _post_data(file_number="LOG-2026-0042", **overrides)
    response = client.post(URL, data)
    assert response.status_code == 400
    html = unescape(response.content.decode())
    assert message.lower() in html.lower(), html[html.find('id="erreurs"') :][:800]
    assert 'value="LOG-2026-0042"' in html
    assert not MediationSession.objects.exists()


def test_free_text_is_escaped_on_the_person_page(mds_a: MDS) -> None:
    mediator = make_member(Role.MEDIATEUR, mds_a)
    usager = UsagerFactory(mds=mds_a, display_name="<b>Ali</b>")
    log_session(
        mediator=mediator,
        mds=mds_a,
        **session_kwargs(usager=usager, age_band="", file_number="<script>alert(1)</script>"),
    )
    html = _client(mediator).get(reverse("accompagnement:usager", args=[usager.pk])).content
    assert b"<script>alert(1)</script>" not in html
    assert b"&lt;script&gt;" in html
    assert b"<b>Ali</b>" not in html


def test_a_mediator_sees_only_the_people_of_their_mds(mds_a: MDS, mds_b: MDS) -> None:
    theirs = UsagerFactory(mds=mds_b, display_name="Personne de B")
    client = _client(make_member(Role.MEDIATEUR, mds_a))
    assert client.get(reverse("accompagnement:usager", args=[theirs.pk])).status_code == 404
    assert "Personne de B" not in client.get(reverse("accompagnement:usagers")).content.decode()


def test_a_passage_of_another_mds_cannot_be_used(mds_a: MDS, mds_b: MDS) -> None:
    other = PassageFactory(mds=mds_b)
    client = _client(make_member(Role.MEDIATEUR, mds_a))
    assert client.get(URL, {"passage": other.pk}).status_code == 404
    assert client.post(URL, _post_data(passage=other.pk)).status_code == 404
    assert not MediationSession.objects.exists()


def test_logging_from_a_passage_links_it_and_ends_the_visit(mds_a: MDS) -> None:
    mediator = make_member(Role.MEDIATEUR, mds_a)
    passage = PassageFactory(mds=mds_a, status=Status.IN_PROGRESS, handled_by=mediator)
    client = _client(mediator)
    page = client.get(URL, {"passage": passage.pk})
    assert page.context["form"].initial["origin"].code == "file_accueil"
    response = client.post(URL, _post_data(passage=passage.pk, origin=_origin_pk("file_accueil")))
    assert response.status_code == 302
    passage.refresh_from_db()
    assert passage.status == Status.DONE
    assert MediationSession.objects.get().passage == passage
    # a second session for the same ticket is refused, with a message
    again = client.post(URL, _post_data(passage=passage.pk))
    assert again.status_code == 400
    assert "déjà noté pour ce ticket" in unescape(again.content.decode())
    assert Passage.objects.get().mediation_session.pk == MediationSession.objects.get().pk


def test_session_form_uses_a_constant_number_of_queries(mds_a: MDS) -> None:
    mediator = make_member(Role.MEDIATEUR, mds_a)
    client = _client(mediator)
    # one session first, so that the shortcuts are there in both measures
    log_session(mediator=mediator, mds=mds_a, **session_kwargs())
    client.get(URL)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    before = count()
    for _ in range(15):
        log_session(mediator=mediator, mds=mds_a, **session_kwargs())
        UsagerFactory(mds=mds_a)
    assert count() == before


def test_person_page_uses_a_constant_number_of_queries(mds_a: MDS) -> None:
    mediator = make_member(Role.MEDIATEUR, mds_a)
    usager = UsagerFactory(mds=mds_a)
    client = _client(mediator)
    url = reverse("accompagnement:usager", args=[usager.pk])
    log_session(mediator=mediator, mds=mds_a, **session_kwargs(usager=usager))
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    for _ in range(10):
        log_session(mediator=mediator, mds=mds_a, **session_kwargs(usager=usager))
    assert count() == before


def test_a_related_right_is_suggested_then_marked_checked(mds_a: MDS) -> None:
    mediator = make_member(Role.MEDIATEUR, mds_a)
    usager = UsagerFactory(mds=mds_a)
    client = _client(mediator)
    data = _post_data(usager=usager.pk, **{"demarches-0-right": ref(SocialRight, "rsa").pk})
    assert client.post(URL, data).status_code == 302
    check = RelatedRightCheck.objects.filter(session__usager=usager).first()
    assert check is not None and not check.checked
    page = client.get(reverse("accompagnement:usager", args=[usager.pk])).content.decode()
    assert str(check.right) in unescape(page)
    response = client.post(reverse("accompagnement:right_checked", args=[check.pk]))
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.checked


@pytest.mark.parametrize("usager", ["abc", "-1", "999999999", "<b>"])
def test_a_forged_usager_id_is_refused_without_error(mds_a: MDS, usager: str) -> None:
    client = _client(make_member(Role.MEDIATEUR, mds_a))
    response = client.post(URL, _post_data(usager=usager))
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in unescape(response.content.decode())
    assert not MediationSession.objects.exists()


def test_a_profile_posted_twice_is_created_once(mds_a: MDS) -> None:
    from accompagnement.models import Usager

    client = _client(make_member(Role.MEDIATEUR, mds_a))
    data = {
        "display_name": "Fatou",
        "internet_at_home": "inconnu",
        "idempotency_key": str(uuid.uuid4()),
    }
    first = client.post(reverse("accompagnement:usager_new"), data)
    again = client.post(reverse("accompagnement:usager_new"), data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert Usager.objects.filter(display_name="Fatou").count() == 1


@pytest.mark.parametrize(
    "url_name",
    [
        "accompagnement:mediateur_home",
        "accompagnement:usagers",
        "accompagnement:ateliers",
    ],
)
def test_mediation_list_pages_use_a_constant_number_of_queries(mds_a: MDS, url_name: str) -> None:
    mediator = make_member(Role.MEDIATEUR, mds_a)
    client = _client(mediator)
    url = reverse(url_name)

    def grow() -> None:
        usager = UsagerFactory(mds=mds_a)
        log_session(
            mediator=mediator,
            mds=mds_a,
            **session_kwargs(
                usager=usager,
                age_band="",
                outcome=ref(Outcome, "a_poursuivre").pk,
                next_appointment=dt.date.today(),
            ),
        )
        record_atelier(
            animator=mediator,
            mds=mds_a,
            idempotency_key=uuid.uuid4(),
            audience="public",
            theme="Créer son compte ameli",
            date=dt.date.today(),
            duration_minutes=90,
            age_counts={"25_39": 2},
            gender_counts={"femme": 2},
        )

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    grow()
    client.get(url)
    before = count()
    for _ in range(8):
        grow()
    assert count() == before


def test_only_the_sessions_mediator_closes_its_follow_up(mds_a: MDS) -> None:
    author = make_member(Role.MEDIATEUR, mds_a)
    session = log_session(
        mediator=author,
        mds=mds_a,
        **session_kwargs(outcome=ref(Outcome, "a_poursuivre"), next_appointment=dt.date.today()),
    )
    url = reverse("accompagnement:follow_up_close", args=[session.pk])
    colleague = _client(make_member(Role.MEDIATEUR, mds_a))
    assert colleague.post(url).status_code == 404
    session.refresh_from_db()
    assert not session.follow_up_done
    response = _client(author).post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("accompagnement:mediateur_home")
    session.refresh_from_db()
    assert session.follow_up_done


def test_next_appointments_show_on_the_mediator_home_and_the_person_page(mds_a: MDS) -> None:
    """#13 item 8: "à poursuivre" dates to come appear on both pages, nearest first; a date
    reached is a follow-up due instead."""
    mediator = make_member(Role.MEDIATEUR, mds_a)
    today = dt.date.today()
    later, sooner = today + dt.timedelta(days=21), today + dt.timedelta(days=7)
    people = {}
    for when in (later, sooner, today):  # one person each: a later session closes a follow-up
        people[when] = UsagerFactory(mds=mds_a)
        log_session(
            mediator=mediator,
            mds=mds_a,
            **session_kwargs(
                usager=people[when],
                outcome=ref(Outcome, "a_poursuivre").pk,
                next_appointment=when,
            ),
        )
    client = _client(mediator)
    home = client.get("/mediation/").content.decode()
    upcoming = home.split('id="prochains-rdv"', 1)[1].split("</ul>", 1)[0]
    first, second = sooner.strftime("%d/%m/%Y"), later.strftime("%d/%m/%Y")
    assert first in upcoming and second in upcoming
    assert upcoming.index(first) < upcoming.index(second)
    dates = re.findall(r"<strong>\w+ (\d\d/\d\d/\d{4})</strong>", upcoming)
    assert dates == [first, second]  # today's date is a follow-up due, not "to come"
    person = client.get(reverse("accompagnement:usager", args=[people[later].pk]))
    section = person.content.decode().split('id="prochains-rdv"', 1)[1].split("</ul>", 1)[0]
    assert second in section and first not in section


def test_a_mediator_home_without_dates_to_come_says_so(mds_a: MDS) -> None:
    mediator = make_member(Role.MEDIATEUR, mds_a)
    log_session(mediator=mediator, mds=mds_a, **session_kwargs())
    assert "Aucun rendez-vous à venir." in _client(mediator).get("/mediation/").content.decode()
