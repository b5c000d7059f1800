"""Who sees and acts on a referral: recipient only, restricted referrals, cross-MDS isolation,
refusals journaled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from mds.models import MDS, User
from mds.roles import Role
from orientations import selectors, services
from orientations.models import DeclineReason, Referral
from rgpd.models import JournalAction, JournalEntry, JournalReason
from tests.factories import make_member
from tests.orientations.conftest import PARIS, reason

pytestmark = pytest.mark.django_db
APPOINTMENT = dt.datetime(2026, 5, 12, 14, 0, tzinfo=PARIS)


def refusals() -> list[tuple[str, str, str]]:
    return list(
        JournalEntry.objects.filter(action=JournalAction.REVEAL_REFUSED, target_type="referral")
        .order_by("seq")
        .values_list("target_id", "reason", "actor__email")
    )


def test_only_the_named_recipient_may_accept(
    send: Callable[..., Referral], social: User, other_social: User
) -> None:
    referral = send(target_role="", recipient=social)
    with pytest.raises(services.ReferralRefused):
        services.accept_referral(
            actor=other_social, referral=referral, appointment_at=APPOINTMENT, appointment_place="B"
        )
    assert Referral.objects.get(pk=referral.pk).state == "sent"
    assert refusals() == [(str(referral.pk), JournalReason.OTHER, other_social.email)]
    services.accept_referral(
        actor=social, referral=referral, appointment_at=APPOINTMENT, appointment_place="B"
    )


def test_a_role_target_is_taken_by_one_professional_then_closed_to_the_others(
    send: Callable[..., Referral], social: User, other_social: User
) -> None:
    referral = send()
    assert selectors.access_referral(other_social, referral.pk) is not None
    stale = Referral.objects.get(pk=referral.pk)
    services.take_referral(actor=social, referral=referral)
    assert selectors.access_referral(other_social, referral.pk) is None
    with pytest.raises(services.ReferralRefused):
        services.decline_referral(
            actor=other_social,
            referral=Referral.objects.get(pk=referral.pk),
            reason=DeclineReason.objects.get(code="autre"),
        )
    assert len(refusals()) == 2
    # a colleague who loaded the page before it was taken gets a clear message, nothing changes
    with pytest.raises(ValidationError, match="Un collègue vient de répondre"):
        services.accept_referral(
            actor=other_social, referral=stale, appointment_at=APPOINTMENT, appointment_place="B"
        )
    assert Referral.objects.get(pk=referral.pk).state == "seen"


def test_a_secretariat_cannot_take_a_referral_for_social_workers(
    send: Callable[..., Referral], mds_a: MDS
) -> None:
    secretary = make_member(Role.SECRETARIAT, mds_a)
    referral = send()
    assert selectors.access_referral(secretary, referral.pk) is None
    with pytest.raises(services.ReferralRefused):
        services.take_referral(actor=secretary, referral=referral)


def test_cross_mds_refused_and_journaled_as_other_mds(
    send: Callable[..., Referral], social_b: User
) -> None:
    referral = send()
    assert selectors.access_referral(social_b, referral.pk) is None
    with pytest.raises(services.ReferralRefused):
        services.take_referral(actor=social_b, referral=referral)
    assert refusals() == [(str(referral.pk), JournalReason.REFUSED_OTHER_MDS, social_b.email)] * 2
    assert not selectors.inbox(user=social_b).exists()


def test_restricted_referral_visible_to_sender_recipient_and_direction_only(
    send: Callable[..., Referral],
    mediator: User,
    social: User,
    other_social: User,
    direction: User,
    mds_a: MDS,
) -> None:
    referral = send(
        target_role="",
        recipient=social,
        reason_category=reason("protection_enfance"),
        note="Ado victime de cyber-harcèlement.",
        consent_given=False,
    )
    assert referral.restricted  # the reason makes it restricted
    for user in (mediator, social, direction):
        assert selectors.access_referral(user, referral.pk) is not None
        assert selectors.visible_referrals(user).filter(pk=referral.pk).exists()
    for user in (
        other_social,
        make_member(Role.SECRETARIAT, mds_a),
        make_member(Role.ACCUEIL, mds_a),
    ):
        assert selectors.access_referral(user, referral.pk) is None
        assert not selectors.visible_referrals(user).filter(pk=referral.pk).exists()


def test_restricted_referral_needs_a_named_recipient(
    send: Callable[..., Referral],
) -> None:
    with pytest.raises(ValidationError) as error:
        send(restricted=True)
    assert "professionnel nommé" in str(error.value)
    assert not Referral.objects.exists()


def test_restricted_note_never_in_lists_and_counted_for_the_direction(
    send: Callable[..., Referral],
    mediator: User,
    social: User,
    direction: User,
    mds_a: MDS,
) -> None:
    referral = send(
        target_role="",
        recipient=social,
        reason_category=reason("protection_enfance"),
        pseudonym="Famille K",
        note="NOTE-SECRETE",
    )
    for user, url in (
        (social, "/orientations/"),
        (mediator, "/orientations/envoyees/"),
        (direction, "/orientations/mds/"),
    ):
        client = Client()
        client.force_login(user)
        body = client.get(url).content.decode()
        assert "NOTE-SECRETE" not in body
        assert "Famille K" not in body
        assert "Orientation confidentielle" in body
    client = Client()
    client.force_login(direction)
    assert (
        "1 orientation confidentielle en cours" in client.get("/orientations/mds/").content.decode()
    )
    assert selectors.home_counts(user=direction, mds=mds_a).restricted_open_at_mds == 1
    # the detail page shows the note to the recipient, and that read is journaled
    client.force_login(social)
    assert "NOTE-SECRETE" in client.get(f"/orientations/{referral.pk}/").content.decode()
    assert JournalEntry.objects.filter(
        action=JournalAction.VIEW_REFERRAL, target_id=str(referral.pk), actor=social
    ).exists()


def test_foreign_detail_page_is_404_and_journaled(
    send: Callable[..., Referral], social_b: User
) -> None:
    referral = send()
    client = Client()
    client.force_login(social_b)
    assert client.get(f"/orientations/{referral.pk}/").status_code == 404
    assert client.post(f"/orientations/{referral.pk}/prendre/").status_code == 404
    assert len(refusals()) == 2
    assert Referral.objects.get(pk=referral.pk).recipient is None


def test_the_list_filter_and_the_one_record_rule_agree(
    send: Callable[..., Referral],
    mediator: User,
    social: User,
    other_social: User,
    social_b: User,
    direction: User,
    mds_a: MDS,
) -> None:
    from orientations import rules
    from orientations.models import Partner

    secretary = make_member(Role.SECRETARIAT, mds_a)
    desk = make_member(Role.ACCUEIL, mds_a)
    referrals = [
        send(),
        send(target_role=Role.SECRETARIAT),
        send(target_role="", recipient=social),
        send(target_role="", recipient=social, reason_category=reason("protection_enfance")),
        send(target_role="", partner=Partner.objects.create(external_id="x", nom="X")),
        services.take_referral(actor=other_social, referral=send()),
    ]
    users = [mediator, social, other_social, social_b, direction, secretary, desk]
    for user in users:
        listed = set(selectors.visible_referrals(user).values_list("pk", flat=True))
        for referral in referrals:
            assert (referral.pk in listed) == rules.may(user, referral, rules.VIEW), (
                user.email,
                referral.pk,
            )
