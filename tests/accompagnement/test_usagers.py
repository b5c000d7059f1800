"""Usager profiles: the light profile, its rules, who may create one."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accompagnement.models import (
    AgeBand,
    Equipment,
    Gender,
    Usager,
)
from accompagnement.services.usagers import create_usager
from mds.models import MDS, User
from mds.roles import Role
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_create_usager_derives_the_age_band_from_the_birth_year(mediator: User, mds_a: MDS) -> None:
    usager = create_usager(
        mds=mds_a,
        created_by=mediator,
        display_name=" Fatima ",
        birth_year=1950,
        gender=Gender.FEMALE,
        equipment=[Equipment.SMARTPHONE],
        languages="arabe, français",
        notes="Préfère le mardi matin.",
    )
    assert usager.display_name == "Fatima"
    assert usager.age_band == AgeBand.FROM_70
    assert usager.created_by == mediator
    assert usager.internet_at_home == "inconnu"


def test_create_usager_refuses_bad_values(mediator: User, mds_a: MDS) -> None:
    with pytest.raises(ValidationError) as excinfo:
        create_usager(mds=mds_a, created_by=mediator, birth_year=1850)
    assert "birth_year" in excinfo.value.error_dict
    with pytest.raises(ValidationError) as excinfo:
        create_usager(mds=mds_a, created_by=mediator, equipment=[Equipment.NONE, Equipment.TABLET])
    assert "equipment" in excinfo.value.error_dict
    with pytest.raises(ValidationError) as excinfo:
        create_usager(mds=mds_a, created_by=mediator, notes="x" * 501)
    assert "notes" in excinfo.value.error_dict
    assert Usager.objects.count() == 0


def test_usager_notes_warn_against_health_data_and_passwords() -> None:
    help_text = str(Usager._meta.get_field("notes").help_text)
    assert "santé" in help_text and "mots de passe" in help_text


def test_accueil_cannot_create_an_usager(mds_a: MDS) -> None:
    with pytest.raises(PermissionDenied):
        create_usager(mds=mds_a, created_by=make_member(Role.ACCUEIL, mds_a))
