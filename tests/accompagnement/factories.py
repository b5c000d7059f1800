"""factory_boy factories and helpers for the accompagnement tests."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, TypeVar

import factory
from django.db.models import Model

from accompagnement.models import (
    AgeBand,
    Demarche,
    ForbiddenAct,
    KindOfHelp,
    MediationSession,
    ModeOfHelp,
    Organisme,
    Origin,
    Outcome,
    SocialRight,
    Usager,
)
from accompagnement.services.common import DemarcheInput
from mds.roles import Role
from tests.factories import MDSFactory, UserFactory

M = TypeVar("M", bound=Model)


def ref(model: type[M], code: str) -> M:
    """A seeded reference row by code (the data migration created it)."""
    return model._default_manager.get(code=code)


def demarche(
    kind: str = "demarche_en_ligne",
    mode: int = ModeOfHelp.FAIRE_AVEC,
    organisme: str | None = "caf",
    right: str | None = None,
    declared: tuple[str, ...] = (),
) -> DemarcheInput:
    """A service input built from reference codes."""
    return DemarcheInput(
        kind_of_help=ref(KindOfHelp, kind).pk,
        mode_of_help=int(mode),
        organisme=ref(Organisme, organisme).pk if organisme else None,
        right=ref(SocialRight, right).pk if right else None,
        declared_acts=tuple(ref(ForbiddenAct, code).pk for code in declared),
    )


class UsagerFactory(factory.django.DjangoModelFactory[Usager]):
    class Meta:
        model = Usager

    mds = factory.SubFactory(MDSFactory)
    display_name = factory.Faker("first_name", locale="fr_FR")
    age_band = AgeBand.FROM_40_TO_59


class MediationSessionFactory(factory.django.DjangoModelFactory[MediationSession]):
    """A saved session, straight to the database (use the service to test rules)."""

    class Meta:
        model = MediationSession

    mds = factory.SubFactory(MDSFactory)
    mediator = factory.SubFactory(UserFactory)
    date = factory.LazyFunction(dt.date.today)
    duration_minutes = 30
    origin = factory.LazyFunction(lambda: ref(Origin, "spontane"))
    outcome = factory.LazyFunction(lambda: ref(Outcome, "fait"))
    usager = None
    age_band = AgeBand.FROM_25_TO_39
    idempotency_key = factory.LazyFunction(uuid.uuid4)


class DemarcheFactory(factory.django.DjangoModelFactory[Demarche]):
    class Meta:
        model = Demarche

    session = factory.SubFactory(MediationSessionFactory)
    organisme = factory.LazyFunction(lambda: ref(Organisme, "caf"))
    kind_of_help = factory.LazyFunction(lambda: ref(KindOfHelp, "demarche_en_ligne"))
    mode_of_help = ModeOfHelp.FAIRE_AVEC


def session_kwargs(**overrides: Any) -> dict[str, Any]:
    """Valid keyword arguments for ``log_session`` (mediator and mds still to give)."""
    values: dict[str, Any] = {
        "idempotency_key": uuid.uuid4(),
        "date": dt.date.today(),
        "duration_minutes": 30,
        "origin": ref(Origin, "spontane").pk,
        "outcome": ref(Outcome, "fait").pk,
        "demarches": [demarche()],
        "age_band": AgeBand.FROM_25_TO_39,
    }
    values.update(overrides)
    return values


MEDIATEUR = Role.MEDIATEUR
