"""Data-subject rights: export, erasure leaving no trace, and the register covering every table."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from accompagnement.models import Atelier, Usager
from accueil.models import PassageEvent, Status
from demo.seed import seed_reference_data
from mds.models import MDS, User
from mds.roles import Role
from rgpd.models import JournalAction, JournalEntry, PurposeCode, Secret
from rgpd.pages import rights
from rgpd.personal_data import categories, person_categories
from tests.accompagnement.factories import MediationSessionFactory, UsagerFactory
from tests.accueil.factories import PassageFactory
from tests.rgpd.factories import make_consent, make_credential, make_document

pytestmark = pytest.mark.usefixtures("consent_purposes")

NAME = "Zéphyrine-Quatrefages"
PSEUDONYM = "Zouzou-Pseudo"
PHONE = "06 12 34 56 78"
PHONE_COMPACT = "0612345678"
BIRTH_YEAR = 1931


@pytest.fixture
def dpo(member: Callable[..., User]) -> User:
    return member(Role.DPO)


@pytest.fixture
def person(mds_a: MDS, db: None) -> Usager:
    """A person with data in every table the register declares."""
    seed_reference_data()
    usager = UsagerFactory(
        mds=mds_a,
        display_name=NAME,
        birth_year=BIRTH_YEAR,
        notes=f"Appelle-la au {PHONE}, dit {PSEUDONYM}",
        languages="arabe",
    )
    passage = PassageFactory(
        mds=mds_a, alias=PSEUDONYM, status=Status.CANCELLED, cancel_reason=f"Doublon {NAME}"
    )
    PassageEvent.objects.create(
        passage=passage, to_status=Status.WAITING, at=passage.arrived_at, note=PHONE_COMPACT
    )
    MediationSessionFactory(
        mds=mds_a,
        usager=usager,
        passage=passage,
        file_number=f"Dossier {NAME}",
        faire_pour_reason=f"{PSEUDONYM} ne lit pas, tél {PHONE}",
    )
    atelier = Atelier.objects.create(
        mds=mds_a,
        animator=MediationSessionFactory(mds=mds_a).mediator,
        audience="public",
        theme="Smartphone",
        date=passage.day,
        duration_minutes=60,
        count_25_39=1,
        count_female=1,
        idempotency_key="11111111-1111-1111-1111-111111111111",
    )
    atelier.participants.add(usager)
    make_credential(usager, identifier=PSEUDONYM, secret=PHONE)
    make_document(usager)
    make_consent(usager, PurposeCode.REMINDERS)
    return usager


def _text_columns() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT table_name, column_name FROM information_schema.columns
            WHERE table_schema = 'public'
              AND data_type IN ('text', 'character varying', 'jsonb', 'json')
            """
        )
        return list(cursor.fetchall())


def _find_anywhere(needle: str) -> list[str]:
    """Every text column of every table where ``needle`` appears (case-insensitive)."""
    found = []
    with connection.cursor() as cursor:
        for table, column in _text_columns():
            cursor.execute(
                f'SELECT count(*) FROM "{table}" WHERE "{column}"::text ILIKE %s',  # noqa: S608
                [f"%{needle}%"],
            )
            if cursor.fetchone()[0]:
                found.append(f"{table}.{column}")
    return found


@pytest.mark.usefixtures("postgres_only")
def test_after_erasure_the_whole_database_holds_no_name_pseudonym_phone_nor_birth_year(
    person: Usager, dpo: User
) -> None:
    assert _find_anywhere(NAME)  # the search does find the data before erasure
    rights.erase_person(actor=dpo, usager=person)
    for needle in (NAME, PSEUDONYM, PHONE, PHONE_COMPACT):
        assert _find_anywhere(needle) == [], needle
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM accompagnement_usager WHERE birth_year = %s", [BIRTH_YEAR]
        )
        assert cursor.fetchone()[0] == 0
    person.refresh_from_db()
    assert person.display_name == "" and person.birth_year is None
    assert not Atelier.objects.get().participants.exists()
    assert all(secret.is_shredded for secret in Secret.objects.all())
    entry = JournalEntry.objects.filter(action=JournalAction.ERASE_PERSON).get()
    assert (entry.target_type, entry.target_id, entry.actor) == ("usager", str(person.pk), dpo)


def test_export_has_every_person_category_and_is_journaled(person: Usager, dpo: User) -> None:
    export = rights.export_person(actor=dpo, usager=person)
    data = export.as_json()
    keys = {section["cle"] for section in data["categories"]}
    assert keys == {category.key for category in person_categories()}
    by_key = {section["cle"]: section["lignes"] for section in data["categories"]}
    assert by_key["usager"][0]["display_name"] == NAME
    assert by_key["ateliers"] and by_key["passages"][0]["alias"] == PSEUDONYM
    assert PHONE not in json.dumps(by_key["credentials"])  # secrets are never exported
    assert JournalEntry.objects.filter(
        action=JournalAction.EXPORT_PERSON, target_id=str(person.pk)
    ).exists()


def test_dpo_downloads_the_json_export_and_erasure_needs_the_right_confirmation(
    person: Usager, dpo: User
) -> None:
    client = Client()
    client.force_login(dpo)
    response = client.get(reverse("rgpd:person_export_json", args=[person.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert json.loads(response.content)["personne"] == person.pk
    wrong = client.post(reverse("rgpd:person_erase", args=[person.pk]), {"confirm": "12"})
    assert "Le numéro ne correspond pas" in wrong.content.decode()
    person.refresh_from_db()
    assert person.display_name == NAME
    done = client.post(reverse("rgpd:person_erase", args=[person.pk]), {"confirm": str(person.pk)})
    assert done.status_code == 302
    person.refresh_from_db()
    assert person.display_name == ""


def test_every_model_pointing_to_a_person_is_declared_in_the_register() -> None:
    declared = {category.model_class for category in person_categories()}
    missing = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if (
                getattr(field, "related_model", None) is Usager
                and field.concrete
                and not field.many_to_many  # its through table is checked itself
                and model not in declared
            ):
                missing.append(model._meta.label)
    assert not missing, f"Déclarez ces tables dans rgpd/register.py : {missing}"


def test_register_page_lists_each_category(dpo: User) -> None:
    client = Client()
    client.force_login(dpo)
    body = client.get(reverse("rgpd:register")).content.decode()
    for category in categories():
        assert escape(category.label) in body
