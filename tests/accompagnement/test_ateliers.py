"""Collective workshops (ateliers) with anonymous head counts; the database's own checks on
sessions and ateliers."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accompagnement.models import (
    AgeBand,
    Atelier,
    AtelierAudience,
    Gender,
    MediationSession,
)
from accompagnement.services.ateliers import record_atelier
from mds.models import MDS, User
from tests.accompagnement.factories import MediationSessionFactory, UsagerFactory

pytestmark = pytest.mark.django_db


def _atelier(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "idempotency_key": uuid.uuid4(),
        "audience": AtelierAudience.PUBLIC,
        "theme": "Sécuriser son compte ameli",
        "date": dt.date(2025, 3, 11),
        "duration_minutes": 90,
        "age_counts": {AgeBand.FROM_60_TO_69: 4, AgeBand.FROM_70: 3, "": 1},
        "gender_counts": {Gender.FEMALE: 5, Gender.MALE: 2, "": 1},
        "coop_theme": "securite_numerique",
    }
    values.update(overrides)
    return values


def test_atelier_keeps_head_counts_by_age_band_and_gender(mediator: User, mds_a: MDS) -> None:
    named = UsagerFactory(mds=mds_a)
    atelier = record_atelier(animator=mediator, mds=mds_a, **_atelier(participants=[named.pk]))
    assert atelier.total == 8
    assert atelier.counts_by_age_band()[AgeBand.FROM_60_TO_69] == 4
    assert atelier.counts_by_age_band()[""] == 1
    assert atelier.counts_by_gender() == {"femme": 5, "homme": 2, "autre": 0, "": 1}
    assert list(atelier.participants.all()) == [named]


def test_atelier_counts_must_agree(mediator: User, mds_a: MDS) -> None:
    with pytest.raises(ValidationError) as excinfo:
        record_atelier(animator=mediator, mds=mds_a, **_atelier(age_counts={AgeBand.FROM_70: 2}))
    assert [e.code for e in excinfo.value.error_dict["age_counts"]] == ["counts_disagree"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"age_counts": {}, "gender_counts": {}}, "gender_counts"),
        ({"age_counts": {"99_plus": 8}}, "age_counts"),
        ({"gender_counts": {Gender.FEMALE: -1}}, "gender_counts"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"date": dt.date(2025, 3, 13)}, "date"),
        ({"theme": "  "}, "theme"),
        ({"audience": "tout le monde"}, "audience"),
        ({"participants": [999_999]}, "participants"),
    ],
)
def test_atelier_bad_input_is_refused(
    mediator: User, mds_a: MDS, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        record_atelier(animator=mediator, mds=mds_a, **_atelier(**overrides))
    assert field in excinfo.value.error_dict
    assert Atelier.objects.count() == 0


def test_atelier_double_submit_returns_the_same_atelier(mediator: User, mds_a: MDS) -> None:
    kwargs = _atelier()
    first = record_atelier(animator=mediator, mds=mds_a, **kwargs)
    assert record_atelier(animator=mediator, mds=mds_a, **kwargs).pk == first.pk
    assert Atelier.objects.count() == 1


def test_atelier_for_professionals_by_a_mediator_of_another_mds_is_refused(
    mediator: User, mds_b: MDS
) -> None:
    with pytest.raises(PermissionDenied):
        record_atelier(
            animator=mediator, mds=mds_b, **_atelier(audience=AtelierAudience.PROFESSIONALS)
        )


def test_database_refuses_absurd_session_durations(mediator: User, mds_a: MDS) -> None:
    for minutes in (0, 481):
        with pytest.raises(IntegrityError), transaction.atomic():
            MediationSessionFactory(mds=mds_a, mediator=mediator, duration_minutes=minutes)
    assert MediationSession.objects.count() == 0


def test_database_refuses_anonymous_session_without_age_band(mediator: User, mds_a: MDS) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        MediationSessionFactory(mds=mds_a, mediator=mediator, age_band="")


def test_database_refuses_atelier_counts_that_disagree(mediator: User, mds_a: MDS) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Atelier.objects.create(
            mds=mds_a,
            animator=mediator,
            idempotency_key=uuid.uuid4(),
            audience=AtelierAudience.PUBLIC,
            theme="Test",
            date=dt.date(2025, 3, 11),
            duration_minutes=60,
            count_70_plus=3,
            count_female=2,
        )
