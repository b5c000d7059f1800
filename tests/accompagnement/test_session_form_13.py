"""Issue 13 on the session form: the note (limit, export, erasure, purges), the person picker
(scoped, limited, constant queries) and a profile created without leaving the form."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accompagnement.models import MediationSession, Usager
from accompagnement.services.retention import PURGE as NOTES_PURGE
from accompagnement.services.sessions import log_session
from accueil.models import Status
from mds.jobs import purges
from mds.models import MDS
from mds.roles import Role
from notifications.purges import months_before, usager_inactivity_months
from rgpd.pages import rights
from tests.accompagnement.factories import MediationSessionFactory, UsagerFactory, session_kwargs
from tests.accompagnement.test_views import URL, _client, _post_data
from tests.accueil.factories import PassageFactory
from tests.factories import make_member

pytestmark = pytest.mark.django_db
NOTE = "CAF : dossier commencé, manque l'avis d'impôt."
NOW = dt.datetime(2026, 11, 24, 2, 30, tzinfo=dt.UTC)


def test_a_note_too_long_is_refused_in_french_and_nothing_is_saved(mds_a: MDS) -> None:
    client = _client(make_member(Role.MEDIATEUR, mds_a))
    response = client.post(URL, _post_data(note="x" * 501))
    assert response.status_code == 400
    assert "au plus 500 caractères" in response.content.decode()
    assert not MediationSession.objects.exists()
    page = client.get(URL).content.decode()
    assert 'maxlength="500"' in page and "Secret professionnel" in page


def test_the_service_refuses_a_long_note_itself(mds_a: MDS) -> None:
    from django.core.exceptions import ValidationError

    mediator = make_member(Role.MEDIATEUR, mds_a)
    with pytest.raises(ValidationError) as error:
        log_session(mediator=mediator, mds=mds_a, **session_kwargs(note="y" * 501))
    assert any("500 caractères au plus" in m for m in error.value.messages)


def test_the_note_is_in_the_dpo_export_and_gone_after_erasure(mds_a: MDS) -> None:
    mediator = make_member(Role.MEDIATEUR, mds_a)
    usager = UsagerFactory(mds=mds_a)
    session = log_session(mediator=mediator, mds=mds_a, **session_kwargs(usager=usager, note=NOTE))
    dpo = make_member(Role.DPO, mds_a)
    export = rights.export_person(actor=dpo, usager=usager).as_json()
    rows = next(c["lignes"] for c in export["categories"] if c["cle"] == "sessions")
    assert rows[0]["note"] == NOTE
    rights.erase_person(actor=dpo, usager=usager)
    session.refresh_from_db()
    assert session.note == "" and session.duration_minutes == 30  # statistics kept


def test_the_inactive_usager_purge_clears_notes_even_of_a_nameless_profile(mds_a: MDS) -> None:
    cutoff = timezone.localdate(months_before(NOW, usager_inactivity_months()))
    nameless = UsagerFactory(mds=mds_a, display_name="", birth_year=None, notes="", languages="")
    Usager.objects.filter(pk=nameless.pk).update(created_at=NOW - dt.timedelta(days=2000))
    old = MediationSessionFactory(
        mds=mds_a, usager=nameless, date=cutoff - dt.timedelta(days=1), note=NOTE
    )
    [outcome] = purges.run_all(now=NOW, only=["inactive_usagers"])
    assert outcome.count == 1
    old.refresh_from_db()
    assert old.note == ""


def test_anonymous_session_notes_are_cleared_after_the_person_retention(mds_a: MDS) -> None:
    assert NOTES_PURGE in purges.registered()
    # the "person" row (24 months after the last contact): the session of the cutoff day is
    # just inside, the day before just outside
    cutoff = timezone.localdate(months_before(NOW, usager_inactivity_months()))
    assert cutoff == dt.date(2024, 11, 24)
    old = MediationSessionFactory(
        mds=mds_a, usager=None, date=cutoff - dt.timedelta(days=1), note=NOTE
    )
    kept = MediationSessionFactory(mds=mds_a, usager=None, date=cutoff, note=NOTE)
    [outcome] = purges.run_all(now=NOW, only=["anonymous_session_notes"])
    assert outcome.count == 1
    old.refresh_from_db()
    kept.refresh_from_db()
    assert old.note == "" and kept.note == NOTE


def test_the_picker_is_limited_scoped_and_costs_constant_queries(mds_a: MDS, mds_b: MDS) -> None:
    client = _client(make_member(Role.MEDIATEUR, mds_a))
    url = reverse("accompagnement:usager_picker")
    UsagerFactory(mds=mds_b, display_name="Karim autre MDS")
    chosen = UsagerFactory(mds=mds_a, display_name="Zoé")

    def count() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"usager_query": "Karim", "usager": chosen.pk})
        assert response.status_code == 200
        return len(queries), response.content.decode()

    UsagerFactory(mds=mds_a, display_name="Karim 0")
    count()  # the first request also saves the login session
    before, _page = count()
    assert before <= 6  # session, user, membership, MFA check, the search, the chosen person
    for n in range(1, 30):
        UsagerFactory(mds=mds_a, display_name=f"Karim {n}")
    after, page = count()
    assert after == before
    assert page.count('name="usager"') == 1 + 8 + 1  # anonyme, 8 results, the chosen one
    assert "autre MDS" not in page
    assert "précisez la recherche" in page
    with CaptureQueriesContext(connection) as form_queries:
        client.get(URL, {"usager": chosen.pk})
    UsagerFactory.create_batch(10, mds=mds_a)
    with CaptureQueriesContext(connection) as again:
        client.get(URL, {"usager": chosen.pk})
    assert len(again) == len(form_queries)


def test_a_ticket_first_name_prefills_the_search(mds_a: MDS) -> None:
    mediator = make_member(Role.MEDIATEUR, mds_a)
    UsagerFactory(mds=mds_a, display_name="Samira B.")
    passage = PassageFactory(mds=mds_a, alias="Samira", status=Status.IN_PROGRESS)
    page = _client(mediator).get(URL, {"passage": passage.pk}).content.decode()
    assert 'value="Samira"' in page and "Samira B." in page
    assert '<select name="usager"' not in page


def test_creating_a_profile_keeps_the_draft_and_the_ticket_then_the_save_closes_it(
    mds_a: MDS,
) -> None:
    mediator = make_member(Role.MEDIATEUR, mds_a)
    client: Client = _client(mediator)
    passage = PassageFactory(mds=mds_a, alias="Karim", status=Status.IN_PROGRESS)
    draft: dict[str, Any] = _post_data(
        passage=passage.pk,
        usager_query="Karim D.",
        new_usager_key=str(uuid.uuid4()),
        note=NOTE,
        action="creer_profil",
    )
    response = client.post(URL, draft)
    assert response.status_code == 200
    created = Usager.objects.get(display_name="Karim D.")
    assert created.age_band == "25_39"  # the form's age band
    page = response.content.decode()
    assert f'value="{created.pk}" checked' in page
    assert f'name="passage" value="{passage.pk}"' in page
    assert f'value="{draft["idempotency_key"]}"' in page and escape(NOTE) in page
    # a double tap on "Créer le profil" creates one profile
    client.post(URL, draft)
    assert Usager.objects.filter(display_name="Karim D.").count() == 1
    # an empty name is refused in French
    refused = client.post(URL, {**draft, "usager_query": "", "new_usager_key": str(uuid.uuid4())})
    assert refused.status_code == 400
    assert escape("tapez d'abord un prénom") in refused.content.decode()
    # a name longer than a profile keeps is refused in French, nothing created
    too_long = client.post(
        URL, {**draft, "usager_query": "K" * 81, "new_usager_key": str(uuid.uuid4())}
    )
    assert too_long.status_code == 400
    assert "80 caractères au plus" in too_long.content.decode()
    assert Usager.objects.count() == 1

    saved = client.post(URL, {**draft, "action": "", "usager": created.pk})
    assert saved.status_code == 302
    session = MediationSession.objects.get(passage=passage)
    assert session.usager == created and session.note == NOTE
    passage.refresh_from_db()
    assert passage.status == Status.DONE
