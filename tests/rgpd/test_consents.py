"""Consents: recorded on the exact text, journaled; withdrawal destroys what depended on it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from accompagnement.models import Usager
from mds.models import MDS, User
from mds.roles import Role
from rgpd.models import (
    JournalAction,
    JournalEntry,
    JournalReason,
    PurposeCode,
    Secret,
)
from rgpd.services import consents
from tests.accompagnement.factories import UsagerFactory
from tests.rgpd.factories import make_consent, make_credential

pytestmark = pytest.mark.usefixtures("consent_purposes")


@pytest.fixture
def mediator(member: Callable[..., User]) -> User:
    return member(Role.MEDIATEUR)


@pytest.fixture
def usager(mds_a: MDS) -> Usager:
    return UsagerFactory(mds=mds_a, display_name="Fatima")


def _last(action: str) -> JournalEntry:
    entry = JournalEntry.objects.filter(action=action).order_by("-seq").first()
    assert entry is not None, action
    return entry


def test_recording_a_consent_keeps_the_exact_text_hash_and_journals_it(
    mediator: User, usager: Usager
) -> None:
    consent = consents.record_consent(
        actor=mediator,
        usager=usager,
        purpose_code=PurposeCode.CREDENTIAL,
        method="oral_witnessed",
    )
    assert consent.text_sha256 == consent.text.sha256 and len(consent.text_sha256) == 64
    assert consent.witnessed_by == mediator and consent.is_live()
    assert _last(JournalAction.CONSENT_GIVEN).target_id == str(consent.pk)


def test_unknown_purpose_is_refused_with_a_french_message(mediator: User, usager: Usager) -> None:
    with pytest.raises(ValidationError) as excinfo:
        consents.record_consent(
            actor=mediator,
            usager=usager,
            purpose_code="vendre-mes-donnees",
            method="oral_witnessed",
        )
    assert "Finalité inconnue" in str(excinfo.value)


def test_withdrawing_consent_destroys_what_depended_on_it_at_once(
    mediator: User, usager: Usager
) -> None:
    consent = make_consent(usager)
    credential = make_credential(usager, consent=consent)
    other = make_credential(usager)  # another consent: kept
    assert consents.withdraw_consent(actor=mediator, consent=consent) == 1
    assert Secret.objects.get(pk=credential.secret_id).is_shredded
    assert not Secret.objects.get(pk=other.secret_id).is_shredded
    assert _last(JournalAction.CONSENT_WITHDRAWN).target_id == str(consent.pk)
    destroyed = _last(JournalAction.DESTROY_SECRET)
    assert (destroyed.target_id, destroyed.reason) == (
        str(credential.pk),
        JournalReason.CONSENT_WITHDRAWN,
    )
