"""Every refusal on a vault object is journaled (who, which object id, why), still 403/404.

``rgpd.selectors.access`` (``access_credential``, ``access_document``, ``access_consent``) and
``rgpd.pages.selectors.access_usager`` are the only way the vault pages fetch such an object.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accompagnement.models import Usager
from mds.models import MDS, User
from mds.roles import Role
from rgpd.models import (
    Consent,
    JournalAction,
    JournalEntry,
    JournalReason,
    PurposeCode,
    ScannedDocument,
    Secret,
    TemporaryCredential,
)
from rgpd.rules import VaultRefused
from rgpd.selectors import access
from tests.accompagnement.factories import UsagerFactory
from tests.rgpd.factories import make_consent, make_credential, make_document
from tests.rgpd.utils import reauthenticate

pytestmark = pytest.mark.usefixtures("consent_purposes")


@pytest.fixture
def usager(mds_a: MDS) -> Usager:
    return UsagerFactory(mds=mds_a, display_name="Karim")


@pytest.fixture
def vault(usager: Usager) -> dict[str, Any]:
    consent = make_consent(usager, PurposeCode.CREDENTIAL)
    return {
        "consent": consent,
        "credential": make_credential(usager, consent=consent, secret="pas-pour-toi"),
        "document": make_document(usager),
    }


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    reauthenticate(client, user)
    return client


@pytest.fixture
def other_mediator(member: Callable[..., User], mds_b: MDS) -> User:
    """A mediator of MDS B: the objects above belong to MDS A."""
    return member(Role.MEDIATEUR, mds_b)


def _refusals() -> list[JournalEntry]:
    return list(
        JournalEntry.objects.filter(
            action__in=[JournalAction.ACCESS_REFUSED, JournalAction.REVEAL_REFUSED]
        ).order_by("seq")
    )


def _assert_one_refusal(
    *, actor: User, target_type: str, target_id: object, reason: str, action: str, mds: MDS
) -> None:
    entries = _refusals()
    assert len(entries) == 1, [(e.action, e.reason, e.target_type) for e in entries]
    entry = entries[0]
    assert entry.actor_id == actor.pk
    assert (entry.target_type, entry.target_id) == (target_type, str(target_id))
    assert (entry.reason, entry.action) == (reason, action)
    assert entry.mds_id == mds.pk


# (url name, kwarg, vault key, target type) of every page about one vault object.
OBJECT_PAGES = [
    ("rgpd:credential_reveal", "credential_id", "credential", "credential"),
    ("rgpd:credential_destroy", "credential_id", "credential", "credential"),
    ("rgpd:document_download", "document_id", "document", "document"),
    ("rgpd:document_destroy", "document_id", "document", "document"),
    ("rgpd:consent_proof", "consent_id", "consent", "consent"),
    ("rgpd:consent_withdraw", "consent_id", "consent", "consent"),
]
IDS = [name.split(":")[1] for name, *_rest in OBJECT_PAGES]


@pytest.mark.parametrize(("name", "kwarg", "key", "target_type"), OBJECT_PAGES, ids=IDS)
def test_visiting_a_vault_object_of_another_mds_is_403_and_journaled(
    other_mediator: User,
    vault: dict[str, Any],
    mds_a: MDS,
    name: str,
    kwarg: str,
    key: str,
    target_type: str,
) -> None:
    item = vault[key]
    response = _client(other_mediator).get(reverse(name, kwargs={kwarg: item.pk}))
    assert response.status_code == 403
    assert "pas-pour-toi" not in response.content.decode()
    _assert_one_refusal(
        actor=other_mediator,
        target_type=target_type,
        target_id=item.pk,
        reason=JournalReason.REFUSED_OTHER_MDS,
        action=JournalAction.ACCESS_REFUSED,
        mds=mds_a,
    )


@pytest.mark.parametrize(
    ("name", "kwarg", "key", "target_type", "data"),
    [
        ("rgpd:consent_withdraw", "consent_id", "consent", "consent", {}),
        (
            "rgpd:credential_destroy",
            "credential_id",
            "credential",
            "credential",
            {"reason": JournalReason.HAND_OVER},
        ),
        (
            "rgpd:document_destroy",
            "document_id",
            "document",
            "document",
            {"reason": JournalReason.PERSON_PRESENT},
        ),
    ],
    ids=["withdraw", "destroy-credential", "destroy-document"],
)
def test_withdraw_or_destroy_posted_from_another_mds_is_403_journaled_and_changes_nothing(
    other_mediator: User,
    vault: dict[str, Any],
    mds_a: MDS,
    name: str,
    kwarg: str,
    key: str,
    target_type: str,
    data: dict[str, str],
) -> None:
    item = vault[key]
    response = _client(other_mediator).post(reverse(name, kwargs={kwarg: item.pk}), data)
    assert response.status_code == 403
    _assert_one_refusal(
        actor=other_mediator,
        target_type=target_type,
        target_id=item.pk,
        reason=JournalReason.REFUSED_OTHER_MDS,
        action=JournalAction.ACCESS_REFUSED,
        mds=mds_a,
    )
    assert Consent.objects.get(pk=vault["consent"].pk).withdrawn_at is None
    assert not Secret.objects.filter(destroyed_at__isnull=False).exists()


@pytest.mark.parametrize(
    ("name", "kwarg", "key", "target_type"),
    [
        ("rgpd:credential_reveal", "credential_id", "credential", "credential"),
        ("rgpd:document_download", "document_id", "document", "document"),
    ],
    ids=["reveal", "download"],
)
def test_reveal_or_download_posted_from_another_mds_is_journaled_as_a_refused_reveal(
    other_mediator: User,
    vault: dict[str, Any],
    mds_a: MDS,
    name: str,
    kwarg: str,
    key: str,
    target_type: str,
) -> None:
    item = vault[key]
    response = _client(other_mediator).post(
        reverse(name, kwargs={kwarg: item.pk}), {"reason": JournalReason.PERSON_PRESENT}
    )
    assert response.status_code == 403
    assert "pas-pour-toi" not in response.content.decode()
    _assert_one_refusal(
        actor=other_mediator,
        target_type=target_type,
        target_id=item.pk,
        reason=JournalReason.REFUSED_OTHER_MDS,
        action=JournalAction.REVEAL_REFUSED,
        mds=mds_a,
    )


@pytest.mark.parametrize("role", [Role.ACCUEIL, Role.TRAVAILLEUR_SOCIAL, Role.DPO])
@pytest.mark.parametrize("method", ["get", "post"])
def test_reveal_by_a_role_without_vault_rights_is_403_and_journaled(
    member: Callable[..., User], vault: dict[str, Any], mds_a: MDS, role: str, method: str
) -> None:
    user = member(role)
    credential: TemporaryCredential = vault["credential"]
    url = reverse("rgpd:credential_reveal", args=[credential.pk])
    client = _client(user)
    if method == "post":
        response = client.post(url, {"reason": JournalReason.PERSON_PRESENT})
    else:
        response = client.get(url)
    assert response.status_code == 403
    assert "pas-pour-toi" not in response.content.decode()
    assert "réservé aux médiateurs" in response.content.decode()
    _assert_one_refusal(
        actor=user,
        target_type="credential",
        target_id=credential.pk,
        reason=JournalReason.REFUSED_NO_ROLE,
        action=(JournalAction.REVEAL_REFUSED if method == "post" else JournalAction.ACCESS_REFUSED),
        mds=mds_a,
    )


def test_download_by_a_role_without_vault_rights_is_403_and_journaled(
    member: Callable[..., User], vault: dict[str, Any], mds_a: MDS
) -> None:
    user = member(Role.SECRETARIAT)
    document: ScannedDocument = vault["document"]
    url = reverse("rgpd:document_download", args=[document.pk])
    response = _client(user).post(url, {"reason": JournalReason.PERSON_PRESENT})
    assert response.status_code == 403
    _assert_one_refusal(
        actor=user,
        target_type="document",
        target_id=document.pk,
        reason=JournalReason.REFUSED_NO_ROLE,
        action=JournalAction.REVEAL_REFUSED,
        mds=mds_a,
    )


def test_person_vault_of_another_mds_is_still_404_and_the_attempt_is_journaled(
    other_mediator: User, usager: Usager, mds_a: MDS
) -> None:
    client = _client(other_mediator)
    for name in ("rgpd:person_vault", "rgpd:credential_new", "rgpd:consent_new"):
        assert client.get(reverse(name, args=[usager.pk])).status_code == 404
    entries = _refusals()
    assert len(entries) == 3
    assert {(e.actor_id, e.target_type, e.target_id, e.reason, e.mds_id) for e in entries} == {
        (other_mediator.pk, "usager", str(usager.pk), JournalReason.REFUSED_OTHER_MDS, mds_a.pk)
    }


def test_unknown_ids_are_404_without_a_refusal_entry(
    member: Callable[..., User], usager: Usager
) -> None:
    client = _client(member(Role.MEDIATEUR))
    unknown = "00000000-0000-4000-8000-000000000000"
    assert client.get(reverse("rgpd:credential_reveal", args=[unknown])).status_code == 404
    assert client.get(reverse("rgpd:person_vault", args=[usager.pk + 1000])).status_code == 404
    assert _refusals() == []


def test_the_own_mediator_is_not_refused(
    member: Callable[..., User], vault: dict[str, Any]
) -> None:
    client = _client(member(Role.MEDIATEUR))
    for name, kwarg, key, _target in OBJECT_PAGES:
        assert client.get(reverse(name, kwargs={kwarg: vault[key].pk})).status_code == 200
    assert _refusals() == []


def test_anonymous_visitors_go_to_the_login_page_without_a_journal_entry(
    vault: dict[str, Any],
) -> None:
    response = Client().get(reverse("rgpd:credential_reveal", args=[vault["credential"].pk]))
    assert response.status_code == 302
    assert "/compte/" in response["Location"] or "login" in response["Location"]
    assert _refusals() == []


def test_access_helpers_refuse_with_the_journal_code(
    other_mediator: User, vault: dict[str, Any]
) -> None:
    for helper, key in (
        (access.access_credential, "credential"),
        (access.access_document, "document"),
        (access.access_consent, "consent"),
    ):
        with pytest.raises(VaultRefused) as excinfo:
            helper(other_mediator, vault[key].pk, access.VIEW)
        assert excinfo.value.reason == JournalReason.REFUSED_OTHER_MDS
    assert len(_refusals()) == 3
    with pytest.raises(ValueError, match="Action inconnue"):
        access.access_credential(other_mediator, vault["credential"].pk, "peek")
