"""Every form with a submission key, through its view (issue 8 item 5): submitted again unchanged
(a double tap, Back then submit) → the first record, nothing written; submitted again with other
content (Back, edit, submit) → 400 with a French message, nothing written, the first record
unchanged. One code path: ``mds.idempotency.create_once``."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from accompagnement.models import (
    Atelier,
    KindOfHelp,
    MediationSession,
    Organisme,
    Origin,
    Outcome,
    Usager,
)
from mds.idempotency import REUSED_FORM
from mds.models import MDS
from mds.roles import Role
from rgpd.crypto import generate_key_spec
from rgpd.demo import seed_consent_purposes
from rgpd.models import Consent, PurposeCode, ScannedDocument, TemporaryCredential
from tests.accompagnement.factories import UsagerFactory, ref
from tests.factories import make_member
from tests.rgpd.factories import PNG_BYTES, make_consent, signature_data_url

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Case:
    """A form: its URL, its first content, an edit of it, and how to read what was saved."""

    url: Callable[[Usager], str]
    model: type[models.Model]
    first: Callable[[Usager], dict[str, Any]]
    edit: dict[str, Any]
    saved: Callable[[models.Model], Any]
    consent: str | None = None


def _session(usager: Usager) -> dict[str, Any]:
    return {
        "date": dt.date.today().isoformat(),
        "duration_preset": "30",
        "origin": ref(Origin, "spontane").pk,
        "outcome": ref(Outcome, "fait").pk,
        "usager": usager.pk,
        "demarches-TOTAL_FORMS": "1",
        "demarches-INITIAL_FORMS": "0",
        "demarches-MIN_NUM_FORMS": "1",
        "demarches-MAX_NUM_FORMS": "20",
        "demarches-0-organisme": ref(Organisme, "caf").pk,
        "demarches-0-kind_of_help": ref(KindOfHelp, "demarche_en_ligne").pk,
        "demarches-0-mode_of_help": "4",
    }


def _png(extra: bytes = b"") -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.png", PNG_BYTES + extra, content_type="image/png")


CASES = {
    "profil": Case(
        url=lambda u: reverse("accompagnement:usager_new"),
        model=Usager,
        first=lambda u: {"display_name": "Fatou", "internet_at_home": "inconnu"},
        edit={"display_name": "Fatoumata"},
        saved=lambda record: record.display_name,  # type: ignore[attr-defined]
    ),
    "accompagnement": Case(
        url=lambda u: reverse("accompagnement:session_new"),
        model=MediationSession,
        first=_session,
        edit={"demarches-0-mode_of_help": "3"},
        saved=lambda record: [d.mode_of_help for d in record.demarches.all()],  # type: ignore[attr-defined]
    ),
    "accompagnement (durée)": Case(
        url=lambda u: reverse("accompagnement:session_new"),
        model=MediationSession,
        first=_session,
        edit={"duration_preset": "60"},
        saved=lambda record: record.duration_minutes,  # type: ignore[attr-defined]
    ),
    "atelier": Case(
        url=lambda u: reverse("accompagnement:atelier_new"),
        model=Atelier,
        first=lambda u: {
            "audience": "public",
            "theme": "Découvrir France Connect",
            "date": dt.date.today().isoformat(),
            "duration_minutes": "120",
            "count_25_39": "3",
            "count_female": "2",
            "count_male": "1",
        },
        edit={"theme": "Sécuriser sa messagerie"},
        saved=lambda record: record.theme,  # type: ignore[attr-defined]
    ),
    "consentement": Case(
        url=lambda u: reverse("rgpd:consent_new", args=[u.pk]),
        model=Consent,
        first=lambda u: {
            "purpose": PurposeCode.CREDENTIAL,
            "method": "tablet_signature",
            "text_read": "on",
            "signature": signature_data_url(),
        },
        edit={"method": "oral_witnessed"},
        saved=lambda record: record.method,  # type: ignore[attr-defined]
    ),
    "identifiants": Case(
        url=lambda u: reverse("rgpd:credential_new", args=[u.pk]),
        model=TemporaryCredential,
        first=lambda u: {
            "service": "caf",
            "identifier": "karim",
            "secret": "ancien-mot-de-passe",
            "ttl_days": "7",
        },
        edit={"secret": "nouveau-mot-de-passe"},
        saved=lambda record: record.secret.reveal(),  # type: ignore[attr-defined]
        consent=PurposeCode.CREDENTIAL,
    ),
    "document": Case(
        url=lambda u: reverse("rgpd:document_new", args=[u.pk]),
        model=ScannedDocument,
        first=lambda u: {"kind": "address", "ttl_hours": "72"},
        edit={"kind": "address"},  # same fields, another photo (see _with_file)
        saved=lambda record: record.secret.reveal(),  # type: ignore[attr-defined]
        consent=PurposeCode.DOCUMENT,
    ),
}


def _with_file(name: str, data: dict[str, Any], *, edited: bool) -> dict[str, Any]:
    if name == "document":
        return {**data, "file": _png(b"\x01" if edited else b"")}
    return data


@pytest.mark.parametrize("name", list(CASES))
def test_a_form_submitted_again_gives_the_first_record_and_an_edited_one_is_refused(
    name: str, mds_a: MDS, settings: SettingsWrapper
) -> None:
    settings.VAULT_KEYS = generate_key_spec("k1")
    seed_consent_purposes()
    case = CASES[name]
    mediator = make_member(Role.MEDIATEUR, mds_a)
    client = Client()
    client.force_login(mediator)
    usager = UsagerFactory(mds=mds_a, display_name="Karim")
    if case.consent:
        make_consent(usager, case.consent, witnessed_by=mediator)
    url = case.url(usager)
    data = {**case.first(usager), "idempotency_key": str(uuid.uuid4())}
    before = case.model._default_manager.count()

    first = client.post(url, _with_file(name, data, edited=False))
    assert first.status_code == 302, unescape(first.content.decode())
    record = case.model._default_manager.latest("pk")
    saved = case.saved(record)

    again = client.post(url, _with_file(name, data, edited=False))
    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert case.model._default_manager.count() == before + 1

    edited = client.post(url, _with_file(name, {**data, **case.edit}, edited=True))
    assert edited.status_code == 400
    assert REUSED_FORM in unescape(edited.content.decode())
    assert case.model._default_manager.count() == before + 1
    record.refresh_from_db()
    assert case.saved(case.model._default_manager.get(pk=record.pk)) == saved
