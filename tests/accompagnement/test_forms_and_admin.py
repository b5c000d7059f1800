"""The session form delegates its rules to the services; reference data is in the admin."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from accompagnement.forms import AtelierForm, SessionForm, UsagerForm
from accompagnement.models import (
    Atelier,
    ForbiddenAct,
    KindOfHelp,
    MediationSession,
    ModeOfHelp,
    Organisme,
    Origin,
    Outcome,
    Usager,
)
from mds.models import MDS, User
from mds.roles import Role
from tests.accompagnement.factories import MediationSessionFactory, ref

pytestmark = pytest.mark.django_db


def _post(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "date": "2025-03-12",
        "duration_preset": "30",
        "origin": str(ref(Origin, "spontane").pk),
        "age_band": "25_39",
        "outcome": str(ref(Outcome, "fait").pk),
        "idempotency_key": str(uuid.uuid4()),
        "demarches-TOTAL_FORMS": "1",
        "demarches-INITIAL_FORMS": "0",
        "demarches-MIN_NUM_FORMS": "1",
        "demarches-MAX_NUM_FORMS": "20",
        "demarches-0-organisme": str(ref(Organisme, "caf").pk),
        "demarches-0-kind_of_help": str(ref(KindOfHelp, "demarche_en_ligne").pk),
        "demarches-0-mode_of_help": str(ModeOfHelp.FAIRE_AVEC.value),
    }
    data.update(overrides)
    return data


def test_session_form_saves_through_the_service_and_double_submit_is_harmless(
    mediator: User, mds_a: MDS
) -> None:
    data = _post()
    form = SessionForm(data, mediator=mediator, mds=mds_a)
    assert form.is_valid(), (form.errors, form.demarches.errors)
    first = form.save()
    again = SessionForm(data, mediator=mediator, mds=mds_a)
    assert again.is_valid()
    assert again.save().pk == first.pk
    assert MediationSession.objects.count() == 1


def test_session_form_custom_duration_and_service_rules_land_on_their_fields(
    mediator: User, mds_a: MDS
) -> None:
    form = SessionForm(
        _post(
            duration_preset="autre",
            duration_custom="481",
            date="2025-03-20",
            **{"demarches-0-mode_of_help": str(ModeOfHelp.FAIRE_POUR.value)},
        ),
        mediator=mediator,
        mds=mds_a,
    )
    assert not form.is_valid()
    assert "8 heures" in " ".join(form.errors["duration_preset"])
    assert "futur" in " ".join(form.errors["date"])
    assert form.errors["faire_pour_reason"] and form.errors["consent_recorded"]


def test_session_form_shows_the_forbidden_act_explanation(mediator: User, mds_a: MDS) -> None:
    form = SessionForm(
        _post(**{"demarches-0-declared_acts": [str(ref(ForbiddenAct, "carte_bancaire").pk)]}),
        mediator=mediator,
        mds=mds_a,
    )
    assert not form.is_valid()
    message = " ".join(form.non_field_errors())
    assert "Utiliser la carte bancaire de la personne" in message
    assert "travailleur social" in message


def test_session_form_refuses_unknown_ids_and_missing_demarche(mediator: User, mds_a: MDS) -> None:
    form = SessionForm(
        _post(origin="999999", **{"demarches-0-kind_of_help": "999999"}),
        mediator=mediator,
        mds=mds_a,
    )
    assert not form.is_valid()
    assert "origin" in form.errors
    assert form.demarches.forms[0].errors["kind_of_help"]
    empty = SessionForm(_post(**{"demarches-TOTAL_FORMS": "0"}), mediator=mediator, mds=mds_a)
    assert not empty.is_valid()
    assert empty.demarches.non_form_errors()


def test_session_form_offers_only_usagers_of_its_mds(
    mediator: User, mds_a: MDS, mds_b: MDS
) -> None:
    other = Usager.objects.create(mds=mds_b, display_name="Ailleurs")
    form = SessionForm(_post(usager=str(other.pk)), mediator=mediator, mds=mds_a)
    assert not form.is_valid()
    assert "usager" in form.errors


def test_session_form_labels_and_mode_help_are_french(mediator: User, mds_a: MDS) -> None:
    form = SessionForm(mediator=mediator, mds=mds_a)
    assert form.fields["next_appointment"].label == "Prochain rendez-vous"
    mode_help = str(form.demarches.empty_form.fields["mode_of_help"].help_text)
    assert "Faire pour :" in mode_help and "Laisser faire :" in mode_help
    assert form.initial["date"] == dt.date(2025, 3, 12)


def test_usager_and_atelier_forms_save_through_the_services(mediator: User, mds_a: MDS) -> None:
    usager_form = UsagerForm(
        {"display_name": "Karim", "birth_year": "1990", "internet_at_home": "non"},
        created_by=mediator,
        mds=mds_a,
    )
    assert usager_form.is_valid(), usager_form.errors
    usager = usager_form.save()
    assert usager is not None and usager.age_band == "25_39"

    atelier_data = {
        "audience": "public",
        "theme": "Découvrir France Connect",
        "date": "2025-03-11",
        "duration_minutes": "120",
        "idempotency_key": str(uuid.uuid4()),
        "count_25_39": "3",
        "count_female": "2",
        "count_male": "1",
        "participants": [str(usager.pk)],
    }
    atelier_form = AtelierForm(atelier_data, animator=mediator, mds=mds_a)
    assert atelier_form.is_valid(), atelier_form.errors
    atelier = atelier_form.save()
    assert atelier is not None and atelier.total == 3

    bad = AtelierForm(
        {**atelier_data, "idempotency_key": str(uuid.uuid4()), "count_male": "5"},
        animator=mediator,
        mds=mds_a,
    )
    assert bad.is_valid()
    assert bad.save() is None
    assert "égaler" in " ".join(bad.non_field_errors())
    assert Atelier.objects.count() == 1


@pytest.mark.parametrize(
    "path",
    [
        "organisme",
        "kindofhelp",
        "origin",
        "outcome",
        "socialright",
        "forbiddenact",
        "relatedrightrule",
    ],
)
def test_reference_data_is_in_the_admin(member: Callable[..., User], mds_a: MDS, path: str) -> None:
    MediationSessionFactory(mds=mds_a, mediator=member(Role.MEDIATEUR))
    client = Client()
    client.force_login(member(Role.ADMIN))
    assert client.get(f"/admin/accompagnement/{path}/").status_code == 200


def test_forbidden_act_roles_are_edited_with_checkboxes(
    member: Callable[..., User],
) -> None:
    act = ref(ForbiddenAct, "carte_bancaire")
    client = Client()
    client.force_login(member(Role.ADMIN))
    url = f"/admin/accompagnement/forbiddenact/{act.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert b'value="mediateur"' in page.content
    response = client.post(
        url,
        {
            "code": act.code,
            "label": act.label,
            "roles": ["mediateur", "accueil"],
            "explanation": act.explanation,
            "suggestion": act.suggestion,
            "kind_of_help": str(act.kind_of_help_id),
            "min_mode": "5",
            "position": "10",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content
    act.refresh_from_db()
    assert act.roles == ["mediateur", "accueil"]


@pytest.mark.parametrize("path", ["mediationsession", "usager", "atelier"])
def test_peoples_records_are_not_in_the_admin(
    member: Callable[..., User], mds_a: MDS, path: str
) -> None:
    # they are read through journaled, MDS-scoped pages only
    MediationSessionFactory(mds=mds_a, mediator=member(Role.MEDIATEUR))
    client = Client()
    client.force_login(member(Role.ADMIN))
    assert client.get(f"/admin/accompagnement/{path}/").status_code == 404
