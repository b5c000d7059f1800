"""Factories of the RGPD tests."""

from __future__ import annotations

import datetime as dt
import json

import factory
from django.utils import timezone

from accompagnement.models import Usager
from mds.models import User
from rgpd.demo import seed_consent_purposes
from rgpd.models import (
    Consent,
    ConsentMethod,
    ConsentPurpose,
    CredentialService,
    DocumentKind,
    PurposeCode,
    ScannedDocument,
    Secret,
    SecretKind,
    TemporaryCredential,
)
from tests.factories import MDSFactory, UserFactory


class SecretFactory(factory.django.DjangoModelFactory[Secret]):
    """A sealed secret; ``SecretFactory(plaintext="…")`` chooses its content."""

    class Meta:
        model = Secret
        skip_postgeneration_save = True

    kind = SecretKind.CREDENTIAL
    mds = factory.SubFactory(MDSFactory)
    created_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))

    @factory.post_generation
    def plaintext(
        obj: Secret, create: bool, extracted: str | bytes | None, **kwargs: object
    ) -> None:
        obj.seal(extracted if extracted is not None else "identifiant-caf:MotDePasse-42")
        if create:
            obj.save()


def make_consent(
    usager: Usager,
    purpose_code: str = PurposeCode.CREDENTIAL,
    *,
    witnessed_by: User | None = None,
    expires_at: dt.datetime | None = None,
) -> Consent:
    """A live consent straight in the database (use the service to test the rules)."""
    seed_consent_purposes()
    purpose = ConsentPurpose.objects.get(code=purpose_code)
    text = purpose.current_text()
    assert text is not None
    return Consent.objects.create(
        usager=usager,
        mds_id=usager.mds_id,
        purpose=purpose,
        text=text,
        text_sha256=text.sha256,
        method=ConsentMethod.ORAL_WITNESSED,
        witnessed_by=witnessed_by or UserFactory(),
        expires_at=expires_at,
    )


def signature_png(size: tuple[int, int] = (600, 200), *, ink: bool = True) -> bytes:
    """A PNG as the tablet's canvas makes it: transparent, with a black stroke if ``ink``."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", size, (0, 0, 0, 0))
    if ink:
        ImageDraw.Draw(image).line(
            [(20, 150), (120, 40), (220, 160), (320, 50), (420, 150)], fill=(0, 0, 0, 255), width=4
        )
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def signature_data_url(png: bytes | None = None) -> str:
    import base64

    return "data:image/png;base64," + base64.b64encode(png or signature_png()).decode()


def make_signed_consent(usager: Usager, purpose_code: str = PurposeCode.CREDENTIAL) -> Consent:
    """A live consent given by signature on the tablet, with its encrypted signature."""
    from rgpd.models import ConsentSignature
    from rgpd.signatures import clean_signature_png

    consent = make_consent(usager, purpose_code)
    consent.method = ConsentMethod.TABLET_SIGNATURE
    consent.save(update_fields=["method"])
    png = clean_signature_png(signature_png())
    signature = ConsentSignature(consent=consent, size=len(png))
    signature.set_encrypted("image", png)
    signature.save(force_insert=True)
    return consent


def _secret(usager: Usager, kind: str, payload: bytes, expires_at: dt.datetime | None) -> Secret:
    secret = Secret(
        kind=kind,
        mds_id=usager.mds_id,
        expires_at=expires_at or timezone.now() + dt.timedelta(days=7),
    )
    secret.seal(payload)
    secret.save(force_insert=True)
    return secret


def make_credential(
    usager: Usager,
    *,
    identifier: str = "jean.caf",
    secret: str = "MotDePasse-42",  # noqa: S107
    consent: Consent | None = None,
    expires_at: dt.datetime | None = None,
) -> TemporaryCredential:
    consent = consent or make_consent(usager, PurposeCode.CREDENTIAL)
    payload = json.dumps({"identifier": identifier, "secret": secret}).encode()
    return TemporaryCredential.objects.create(
        usager=usager,
        mds_id=usager.mds_id,
        consent=consent,
        secret=_secret(usager, SecretKind.CREDENTIAL, payload, expires_at),
        service=CredentialService.CAF,
    )


PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def make_document(
    usager: Usager,
    *,
    content: bytes = PNG_BYTES,
    consent: Consent | None = None,
    expires_at: dt.datetime | None = None,
) -> ScannedDocument:
    consent = consent or make_consent(usager, PurposeCode.DOCUMENT)
    return ScannedDocument.objects.create(
        usager=usager,
        mds_id=usager.mds_id,
        consent=consent,
        secret=_secret(usager, SecretKind.DOCUMENT, content, expires_at),
        kind=DocumentKind.ADDRESS,
        content_type="image/png",
        size=len(content),
    )
