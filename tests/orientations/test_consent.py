"""The consent to share: the rgpd purpose, who witnessed it and when."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from accompagnement.models import Usager
from mds.models import MDS, User
from mds.roles import Role
from orientations.models import Referral
from rgpd.models import Consent, PurposeCode
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def test_a_mediator_records_the_share_consent_in_the_rgpd_register(
    send: Callable[..., Referral], mediator: User, mds_a: MDS, now: dt.datetime
) -> None:
    usager = Usager.objects.create(mds=mds_a, display_name="Samira")
    referral = send(usager=usager, pseudonym="")
    consent = Consent.objects.get(usager=usager)
    assert consent.purpose.code == PurposeCode.SHARE_SOCIAL_WORKER
    assert consent.witnessed_by == mediator and consent.given_at == now
    assert referral.consent == consent
    assert (referral.consent_witnessed_by, referral.consent_given_at) == (mediator, now)
    # a second referral reuses the live consent
    again = send(usager=usager, pseudonym="")
    assert again.consent == consent and Consent.objects.count() == 1


def test_a_first_contact_keeps_the_consent_on_the_referral(
    mds_a: MDS, now: dt.datetime, send: Callable[..., Referral]
) -> None:
    desk = make_member(Role.ACCUEIL, mds_a)
    referral = send(actor=desk)
    assert referral.consent is None
    assert referral.consent_witnessed_by == desk and referral.consent_given_at == now
    assert referral.consent_text.purpose.code == PurposeCode.SHARE_SOCIAL_WORKER


def test_no_consent_no_referral(send: Callable[..., Referral]) -> None:
    with pytest.raises(ValidationError) as error:
        send(consent_given=False)
    assert "Sans l'accord de la personne" in str(error.value)
    assert not Referral.objects.exists()


def test_a_restricted_referral_without_agreement_records_no_consent(
    send: Callable[..., Referral], social: User
) -> None:
    from tests.orientations.conftest import reason

    referral = send(
        target_role="",
        recipient=social,
        reason_category=reason("protection_enfance"),
        consent_given=False,
    )
    assert referral.restricted
    assert referral.consent_given_at is None and referral.consent_witnessed_by is None


def test_the_database_refuses_a_referral_without_consent_unless_restricted(
    send: Callable[..., Referral],
) -> None:
    from django.db import IntegrityError, transaction

    referral = send()
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(consent_given_at=None)
