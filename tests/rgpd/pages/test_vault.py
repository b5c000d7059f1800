"""Vault pages: mediator flows, bad input (French message, no 500), the canary secret."""

from __future__ import annotations

import logging
import subprocess
import uuid
from collections.abc import Callable
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

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
from tests.accompagnement.factories import UsagerFactory
from tests.rgpd.factories import PNG_BYTES, make_consent, make_credential, signature_data_url
from tests.rgpd.utils import reauthenticate

pytestmark = pytest.mark.usefixtures("consent_purposes")


@pytest.fixture
def mediator(member: Callable[..., User]) -> User:
    return member(Role.MEDIATEUR)


@pytest.fixture
def client(mediator: User) -> Client:
    client = Client()
    client.force_login(mediator)
    return client


@pytest.fixture
def usager(mds_a: MDS) -> Usager:
    return UsagerFactory(mds=mds_a, display_name="Karim")


def test_person_vault_page_lists_and_journals_the_read(client: Client, usager: Usager) -> None:
    make_credential(usager)
    response = client.get(reverse("rgpd:person_vault", args=[usager.pk]))
    assert response.status_code == 200
    assert "Remettre à la personne" in response.content.decode()
    assert JournalEntry.objects.filter(
        action=JournalAction.VIEW_PERSON, target_id=str(usager.pk)
    ).exists()


def test_recording_a_consent_through_the_form_then_printing_the_proof(
    client: Client, usager: Usager
) -> None:
    response = client.post(
        reverse("rgpd:consent_new", args=[usager.pk]),
        {
            "purpose": PurposeCode.CREDENTIAL,
            "method": "tablet_signature",
            "text_read": "on",
            "signature": signature_data_url(),
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get(usager=usager)
    proof = client.get(reverse("rgpd:consent_proof", args=[consent.pk]))
    assert consent.text_sha256 in proof.content.decode()


def test_unknown_purpose_in_the_form_gets_a_french_message(client: Client, usager: Usager) -> None:
    response = client.post(
        reverse("rgpd:consent_new", args=[usager.pk]),
        {"purpose": "inconnue", "method": "oral_witnessed", "text_read": "on"},
    )
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not Consent.objects.exists()


def test_ttl_beyond_max_in_the_form_gets_a_french_message_and_nothing_is_stored(
    client: Client, usager: Usager
) -> None:
    make_consent(usager)
    response = client.post(
        reverse("rgpd:credential_new", args=[usager.pk]),
        {"service": "caf", "identifier": "karim", "secret": "pw-secret-1", "ttl_days": "90"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Au plus 30 jours" in body
    assert "pw-secret-1" not in body  # the password is never echoed back
    assert not TemporaryCredential.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        lambda u: reverse("rgpd:credential_reveal", args=[uuid.uuid4()]),
        lambda u: reverse("rgpd:document_download", args=[uuid.uuid4()]),
        lambda u: reverse("rgpd:consent_proof", args=[uuid.uuid4()]),
        lambda u: reverse("rgpd:person_vault", args=[999999]),
    ],
    ids=["credential", "document", "consent", "person"],
)
def test_forged_ids_get_a_french_404(
    client: Client, usager: Usager, url: Callable[[Usager], str]
) -> None:
    response = client.get(url(usager))
    assert response.status_code == 404
    assert "introuvable" in response.content.decode().lower()


def test_person_of_another_mds_is_not_found(
    client: Client, mds_b: MDS, member: Callable[..., User]
) -> None:
    other = UsagerFactory(mds=mds_b)
    assert client.get(reverse("rgpd:person_vault", args=[other.pk])).status_code == 404


def test_reveal_without_reauthentication_sends_to_the_reauth_page_and_journals_refusal(
    client: Client, usager: Usager
) -> None:
    credential = make_credential(usager)
    url = reverse("rgpd:credential_reveal", args=[credential.pk])
    response = client.post(url, {"reason": JournalReason.PERSON_PRESENT})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert JournalEntry.objects.filter(
        action=JournalAction.REVEAL_REFUSED, reason=JournalReason.REFUSED_NO_REAUTH
    ).exists()


def test_reveal_from_another_mds_is_refused_with_403_and_journaled(
    member: Callable[..., User], usager: Usager, mds_b: MDS
) -> None:
    credential = make_credential(usager, secret="pas-pour-toi")
    other = member(Role.MEDIATEUR, mds_b)
    client = Client()
    client.force_login(other)
    reauthenticate(client, other)
    url = reverse("rgpd:credential_reveal", args=[credential.pk])
    response = client.post(url, {"reason": JournalReason.PERSON_PRESENT})
    assert response.status_code == 403
    assert "pas-pour-toi" not in response.content.decode()
    assert JournalEntry.objects.filter(
        action=JournalAction.REVEAL_REFUSED, reason=JournalReason.REFUSED_OTHER_MDS
    ).exists()


def test_reveal_free_text_is_never_journaled(
    client: Client, mediator: User, usager: Usager
) -> None:
    credential = make_credential(usager, secret="pw-visible")
    reauthenticate(client, mediator)
    response = client.post(
        reverse("rgpd:credential_reveal", args=[credential.pk]),
        {"reason": JournalReason.ONGOING_PROCEDURE, "note": "Karim-note-privee"},
    )
    assert "pw-visible" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    for entry in JournalEntry.objects.all():
        assert "Karim-note-privee" not in entry.canonical().decode()


def test_hand_over_sheet_then_delete(client: Client, mediator: User, usager: Usager) -> None:
    credential = make_credential(usager, identifier="karim.ameli", secret="pw-remise")
    reauthenticate(client, mediator)
    sheet = client.post(
        reverse("rgpd:credential_reveal", args=[credential.pk]),
        {"reason": JournalReason.HAND_OVER},
    )
    body = sheet.content.decode()
    assert "Vos identifiants" in body and "karim.ameli" in body and "pw-remise" in body
    response = client.post(
        reverse("rgpd:credential_destroy", args=[credential.pk]), {"reason": "hand_over"}
    )
    assert response.status_code == 302
    assert Secret.objects.get(pk=credential.secret_id).is_shredded


def test_hand_over_button_shows_the_sheet_at_once_and_journals_a_hand_over(
    client: Client, mediator: User, usager: Usager
) -> None:
    credential = make_credential(usager, identifier="karim.caf", secret="pw-feuille")
    reauthenticate(client, mediator)
    page = client.get(reverse("rgpd:person_vault", args=[usager.pk])).content.decode()
    url = reverse("rgpd:credential_hand_over", args=[credential.pk])
    assert f'action="{url}"' in page  # a button (POST), not a link to a second form
    response = client.post(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Vos identifiants" in body and "karim.caf" in body and "pw-feuille" in body
    assert "no-store" in response["Cache-Control"]
    entries = JournalEntry.objects.filter(target_id=str(credential.pk))
    assert list(
        entries.filter(action=JournalAction.HAND_OVER_CREDENTIAL).values_list("reason", flat=True)
    ) == [JournalReason.HAND_OVER]
    assert not entries.filter(action=JournalAction.REVEAL_CREDENTIAL).exists()
    credential.refresh_from_db()
    assert credential.handed_over_at is not None


def test_hand_over_without_re_authentication_resumes_after_the_password(
    mediator: User, usager: Usager
) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    from tests.factories import PASSWORD
    from tests.mds.test_auth import _current_code

    credential = make_credential(usager, identifier="karim.caf", secret="pw-apres-mdp")
    client = Client()
    client.post("/compte/login/", {"login": mediator.email, "password": PASSWORD})
    totp = Authenticator.objects.get(user=mediator, type=Authenticator.Type.TOTP)
    client.post(reverse("mfa_authenticate"), {"code": _current_code(decrypt(totp.data["secret"]))})
    url = reverse("rgpd:credential_hand_over", args=[credential.pk])
    response = client.post(url)
    # The login's password does not unlock the vault: confirm it, then the sheet comes at once.
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert "pw-apres-mdp" not in response.content.decode()
    assert JournalEntry.objects.filter(
        action=JournalAction.REVEAL_REFUSED, reason=JournalReason.REFUSED_NO_REAUTH
    ).exists()
    sheet = client.post(response["Location"], {"password": PASSWORD})
    assert sheet.status_code == 200
    assert "Vos identifiants" in sheet.content.decode()
    assert "pw-apres-mdp" in sheet.content.decode()
    assert JournalEntry.objects.filter(action=JournalAction.HAND_OVER_CREDENTIAL).count() == 1


def test_hand_over_is_a_post_a_get_reveals_nothing(
    client: Client, mediator: User, usager: Usager
) -> None:
    credential = make_credential(usager, secret="pw-get")
    reauthenticate(client, mediator)
    response = client.get(reverse("rgpd:credential_hand_over", args=[credential.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith(
        reverse("rgpd:credential_reveal", args=[credential.pk]) + "?motif=hand_over"
    )
    assert not JournalEntry.objects.filter(action=JournalAction.HAND_OVER_CREDENTIAL).exists()


def test_hand_over_of_another_mds_credential_is_refused_and_journaled(
    client: Client, mediator: User, mds_b: MDS
) -> None:
    other = make_credential(UsagerFactory(mds=mds_b), secret="pas-pour-toi")
    reauthenticate(client, mediator)
    response = client.post(reverse("rgpd:credential_hand_over", args=[other.pk]))
    assert response.status_code == 403
    assert "pas-pour-toi" not in response.content.decode()
    assert not JournalEntry.objects.filter(action=JournalAction.HAND_OVER_CREDENTIAL).exists()
    assert JournalEntry.objects.filter(target_id=str(other.pk)).exists()


def _upload(content: bytes, name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/png")


def test_scanned_document_upload_is_encrypted_and_stays_in_memory(
    client: Client, usager: Usager
) -> None:
    make_consent(usager, PurposeCode.DOCUMENT)
    big = PNG_BYTES + b"\x00" * (3 * 1024 * 1024)  # above Django's 2.5 MB in-memory default
    with mock.patch(
        "django.core.files.uploadhandler.TemporaryFileUploadHandler.new_file",
        side_effect=AssertionError("écrit sur le disque"),
    ):
        response = client.post(
            reverse("rgpd:document_new", args=[usager.pk]),
            {"kind": "address", "ttl_hours": "72", "file": _upload(big)},
        )
    assert response.status_code == 302, response.content.decode()[:500]
    document = ScannedDocument.objects.get()
    assert document.size == len(big) and document.content_type == "image/png"


def test_oversize_upload_gets_a_french_message_and_nothing_is_stored(
    client: Client, usager: Usager, settings: SettingsWrapper
) -> None:
    settings.VAULT_DOCUMENT_MAX_BYTES = 1024 * 1024
    make_consent(usager, PurposeCode.DOCUMENT)
    response = client.post(
        reverse("rgpd:document_new", args=[usager.pk]),
        {"kind": "address", "ttl_hours": "72", "file": _upload(PNG_BYTES * 20000)},
    )
    assert response.status_code == 400
    assert "Fichier trop volumineux" in response.content.decode()
    assert not ScannedDocument.objects.exists()


def test_wrong_type_upload_gets_a_french_message(client: Client, usager: Usager) -> None:
    make_consent(usager, PurposeCode.DOCUMENT)
    response = client.post(
        reverse("rgpd:document_new", args=[usager.pk]),
        {"kind": "address", "ttl_hours": "72", "file": _upload(b"<script>", "x.png")},
    )
    assert response.status_code == 400
    assert "Format non accepté" in response.content.decode()
    assert not ScannedDocument.objects.exists()


def test_document_ttl_beyond_max_gets_a_french_message(client: Client, usager: Usager) -> None:
    make_consent(usager, PurposeCode.DOCUMENT)
    response = client.post(
        reverse("rgpd:document_new", args=[usager.pk]),
        {"kind": "address", "ttl_hours": "1000", "file": _upload(PNG_BYTES)},
    )
    assert response.status_code == 400
    assert "Au plus 720 heures" in response.content.decode()


def test_withdrawing_consent_through_the_page_destroys_the_secret(
    client: Client, usager: Usager
) -> None:
    credential = make_credential(usager)
    response = client.post(reverse("rgpd:consent_withdraw", args=[credential.consent_id]))
    assert response.status_code == 302
    assert Secret.objects.get(pk=credential.secret_id).is_shredded


CANARY = "Canari-7f3c9e1d-secret"


@pytest.mark.usefixtures("postgres_only", "journal_db")
def test_canary_secret_never_appears_in_pg_dump_logs_journal_or_error_pages(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from rgpd.demo import seed_consent_purposes
    from tests.factories import MDSFactory, make_member

    seed_consent_purposes()
    mds = MDSFactory(code="mds-canari")
    mediator: User = make_member(Role.MEDIATEUR, mds)
    usager = UsagerFactory(mds=mds)
    client = Client(raise_request_exception=False)
    client.force_login(mediator)
    caplog.set_level(logging.DEBUG)

    client.post(
        reverse("rgpd:consent_new", args=[usager.pk]),
        {"purpose": PurposeCode.CREDENTIAL, "method": "oral_witnessed", "text_read": "on"},
    )
    stored = client.post(
        reverse("rgpd:credential_new", args=[usager.pk]),
        {"service": "impots", "identifier": "canari-id", "secret": CANARY, "ttl_days": "7"},
    )
    assert stored.status_code == 302
    credential = TemporaryCredential.objects.get(usager=usager)
    reauthenticate(client, mediator)
    revealed = client.post(
        reverse("rgpd:credential_reveal", args=[credential.pk]),
        {"reason": JournalReason.PERSON_PRESENT},
    )
    assert CANARY in revealed.content.decode()  # shown to the mediator, and only there

    # Error pages: an invalid form and a crash never show it.
    invalid = client.post(
        reverse("rgpd:credential_new", args=[usager.pk]),
        {"service": "impots", "identifier": "x", "secret": CANARY, "ttl_days": "99"},
    )
    assert CANARY not in invalid.content.decode()
    store = "rgpd.services.credentials.store_credential"
    with mock.patch(store, side_effect=RuntimeError("panne")):
        crashed = client.post(
            reverse("rgpd:credential_new", args=[usager.pk]),
            {"service": "impots", "identifier": "x", "secret": CANARY, "ttl_days": "7"},
        )
    assert crashed.status_code == 500
    assert CANARY not in crashed.content.decode()

    # Journal, logs, database dump.
    for entry in JournalEntry.objects.all():
        assert CANARY not in entry.canonical().decode()
    assert CANARY not in caplog.text
    db = connection.settings_dict
    dump = subprocess.run(
        [
            "pg_dump",
            "--data-only",
            "-h",
            db["HOST"] or "127.0.0.1",
            "-p",
            str(db["PORT"] or 5432),
            "-U",
            db["USER"],
            db["NAME"],
        ],
        capture_output=True,
        check=True,
        env={"PGPASSWORD": db.get("PASSWORD") or "", "PATH": "/usr/bin:/bin:/usr/local/bin"},
    ).stdout
    assert b"rgpd_secret" in dump  # the dump covers the vault table
    assert CANARY.encode() not in dump
    assert b"canari-id" not in dump  # the identifier is encrypted too


def test_double_submits_of_vault_forms_keep_one_record_each(
    client: Client, usager: Usager, mediator: User
) -> None:
    consent_data = {
        "purpose": PurposeCode.CREDENTIAL,
        "method": "tablet_signature",
        "text_read": "on",
        "signature": signature_data_url(),
        "idempotency_key": str(uuid.uuid4()),
    }
    for _ in range(2):
        assert (
            client.post(reverse("rgpd:consent_new", args=[usager.pk]), consent_data).status_code
            == 302
        )
    assert Consent.objects.filter(usager=usager).count() == 1

    credential_data = {
        "service": "caf",
        "identifier": "karim",
        "secret": "pw-1",
        "ttl_days": "7",
        "idempotency_key": str(uuid.uuid4()),
    }
    for _ in range(2):
        response = client.post(reverse("rgpd:credential_new", args=[usager.pk]), credential_data)
        assert response.status_code == 302
    assert TemporaryCredential.objects.filter(usager=usager).count() == 1
    assert Secret.objects.filter(kind="credential").count() == 1

    make_consent(usager, PurposeCode.DOCUMENT, witnessed_by=mediator)
    key = str(uuid.uuid4())
    for _ in range(2):
        response = client.post(
            reverse("rgpd:document_new", args=[usager.pk]),
            {
                "kind": "address",
                "ttl_hours": "72",
                "file": _upload(PNG_BYTES),
                "idempotency_key": key,
            },
        )
        assert response.status_code == 302
    assert ScannedDocument.objects.filter(usager=usager).count() == 1


def test_person_vault_and_journal_pages_use_a_constant_number_of_queries(
    client: Client, usager: Usager, member: Callable[..., User]
) -> None:
    from django.test.utils import CaptureQueriesContext

    dpo = Client()
    dpo.force_login(member(Role.DPO, None))
    pages = [
        (client, reverse("rgpd:person_vault", args=[usager.pk])),
        (dpo, reverse("rgpd:journal")),
    ]

    def count(who: Client, url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert who.get(url).status_code == 200
        return len(queries)

    make_credential(usager)
    for who, url in pages:
        who.get(url)
    before = [count(who, url) for who, url in pages]
    for _ in range(6):
        make_credential(usager)
        make_consent(usager, PurposeCode.DOCUMENT)
    assert [count(who, url) for who, url in pages] == before


def test_a_reused_form_for_another_service_is_refused_not_silently_ignored(
    client: Client, usager: Usager
) -> None:
    make_consent(usager, PurposeCode.CREDENTIAL)
    key = str(uuid.uuid4())
    base = {"identifier": "karim", "secret": "pw-1", "ttl_days": "7", "idempotency_key": key}
    url = reverse("rgpd:credential_new", args=[usager.pk])
    assert client.post(url, {**base, "service": "caf"}).status_code == 302
    response = client.post(url, {**base, "service": "impots"})
    assert "Ce formulaire a déjà servi" in response.content.decode().replace("&#x27;", "'")
    assert TemporaryCredential.objects.filter(usager=usager).count() == 1
