"""Faire pour with a named person needs a live consent record from the vault."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accompagnement.models import ModeOfHelp
from accompagnement.services.sessions import log_session
from demo.seed import seed_reference_data
from mds.models import MDS
from mds.roles import Role
from rgpd.models import PurposeCode
from tests.accompagnement.factories import UsagerFactory, demarche, session_kwargs
from tests.factories import make_member
from tests.rgpd.factories import make_consent

pytestmark = pytest.mark.usefixtures("consent_purposes")


def _kwargs(usager_pk: int) -> dict[str, object]:
    return session_kwargs(
        usager=usager_pk,
        demarches=[demarche("demarche_en_ligne", ModeOfHelp.FAIRE_POUR, "cpam")],
        faire_pour_reason="Ne sait pas lire",
        consent_recorded=True,
    )


def test_faire_pour_for_a_named_person_without_a_consent_record_is_refused(mds_a: MDS) -> None:
    seed_reference_data()
    mediator = make_member(Role.MEDIATEUR, mds_a)
    usager = UsagerFactory(mds=mds_a)
    with pytest.raises(ValidationError) as excinfo:
        log_session(mediator=mediator, mds=mds_a, **_kwargs(usager.pk))  # type: ignore[arg-type]
    assert "coffre" in str(excinfo.value)


def test_faire_pour_with_a_withdrawn_consent_is_refused_and_a_live_one_accepted(
    mds_a: MDS,
) -> None:
    seed_reference_data()
    mediator = make_member(Role.MEDIATEUR, mds_a)
    usager = UsagerFactory(mds=mds_a)
    consent = make_consent(usager, PurposeCode.FAIRE_POUR)
    consent.withdrawn_at = timezone.now() - dt.timedelta(minutes=1)
    consent.save()
    with pytest.raises(ValidationError):
        log_session(mediator=mediator, mds=mds_a, **_kwargs(usager.pk))  # type: ignore[arg-type]
    make_consent(usager, PurposeCode.FAIRE_POUR)
    plan = log_session(mediator=mediator, mds=mds_a, **_kwargs(usager.pk))  # type: ignore[arg-type]
    assert plan.usager == usager
