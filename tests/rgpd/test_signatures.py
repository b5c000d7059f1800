"""Consent signatures drawn on the tablet: checked server-side, kept encrypted with the consent,
shown on the proof through an access-checked, journaled, never-cached view, purged with the
proof's retention."""

from __future__ import annotations

import base64
import datetime as dt
import io
import zlib
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accompagnement.models import Usager
from mds.models import MDS, User
from mds.roles import Role
from rgpd.models import (
    Consent,
    ConsentMethod,
    ConsentSignature,
    JournalAction,
    JournalEntry,
    JournalReason,
    PurposeCode,
)
from rgpd.services import consents, purge
from rgpd.signatures import MAX_SIGNATURE_BYTES, clean_signature_png, decode_data_url
from rgpd.vault import pending_rotation
from tests.accompagnement.factories import UsagerFactory
from tests.rgpd.factories import (
    PNG_BYTES,
    make_signed_consent,
    signature_data_url,
    signature_png,
)

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
    return UsagerFactory(mds=mds_a, display_name="Aïcha")


def _code(error: ValidationError) -> str:
    return error.error_dict["signature"][0].code  # type: ignore[no-any-return]


# -- checks -------------------------------------------------------------------------------------


def test_a_drawn_signature_is_accepted_and_re_encoded_without_metadata() -> None:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "traceur-du-client")
    image = Image.open(io.BytesIO(signature_png()))
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=info)
    cleaned = clean_signature_png(out.getvalue())
    assert cleaned.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"traceur-du-client" not in cleaned
    assert Image.open(io.BytesIO(cleaned)).size == (600, 200)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (signature_png(ink=False), "empty_signature"),
        (b"\xff\xd8\xff\xe0" + b"jpeg" * 10, "not_png"),
        (b"\x89PNG\r\n\x1a\n" + b"tronque", "bad_png"),
        (signature_png()[:-30], "bad_png"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (MAX_SIGNATURE_BYTES + 1), "signature_too_large"),
        (signature_png((4001, 10)), "too_big"),
    ],
    ids=["empty", "jpeg", "garbage", "truncated", "too-heavy", "too-wide"],
)
def test_what_is_not_a_signature_is_refused_in_french(content: bytes, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        clean_signature_png(content)
    assert _code(caught.value) == code
    assert "signature" in caught.value.error_dict["signature"][0].messages[0].lower()


def test_a_png_bomb_is_refused_before_its_pixels_are_read() -> None:
    # A valid IHDR claiming 100000 x 100000 pixels: refused on the header, nothing decompressed.
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 6, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")
    with pytest.raises(ValidationError) as caught:
        clean_signature_png(bomb)
    assert _code(caught.value) in {"too_big", "bad_png"}


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("data:image/jpeg;base64,AAAA", "not_png"),
        ("data:image/png;base64,@@@", "bad_base64"),
        ("data:image/png;base64," + "A" * (MAX_SIGNATURE_BYTES * 2), "signature_too_large"),
    ],
)
def test_a_bad_data_url_is_refused(value: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        decode_data_url(value)
    assert _code(caught.value) == code


def test_a_data_url_decodes_to_its_png() -> None:
    assert decode_data_url(signature_data_url(PNG_BYTES)) == PNG_BYTES


# -- service ------------------------------------------------------------------------------------


def test_tablet_consent_keeps_the_signature_encrypted(mediator: User, usager: Usager) -> None:
    consent = consents.record_consent(
        actor=mediator,
        usager=usager,
        purpose_code=PurposeCode.DOCUMENT,
        method=ConsentMethod.TABLET_SIGNATURE,
        signature_png=signature_png(),
    )
    stored = ConsentSignature.objects.get(consent=consent)
    plain = stored.get_encrypted("image")
    assert plain.startswith(b"\x89PNG") and stored.size == len(plain)
    assert plain not in bytes(stored.image) and b"PNG" not in bytes(stored.image)
    assert stored.vault_kid and stored.vault_key
    assert consents.read_signature(actor=mediator, consent=consent) == plain


def test_tablet_consent_without_a_signature_is_refused_and_nothing_is_written(
    mediator: User, usager: Usager
) -> None:
    for png in (None, signature_png(ink=False)):
        with pytest.raises(ValidationError) as caught:
            consents.record_consent(
                actor=mediator,
                usager=usager,
                purpose_code=PurposeCode.DOCUMENT,
                method=ConsentMethod.TABLET_SIGNATURE,
                signature_png=png,
            )
        assert "Oral, devant témoin" in caught.value.error_dict["signature"][0].messages[0]
    assert not Consent.objects.exists() and not ConsentSignature.objects.exists()


def test_double_submit_keeps_one_consent_and_one_signature(mediator: User, usager: Usager) -> None:
    import uuid

    key = uuid.uuid4()
    for _ in range(2):
        consents.record_consent(
            actor=mediator,
            usager=usager,
            purpose_code=PurposeCode.DOCUMENT,
            method=ConsentMethod.TABLET_SIGNATURE,
            signature_png=signature_png(),
            idempotency_key=key,
        )
    assert Consent.objects.count() == 1 and ConsentSignature.objects.count() == 1


def test_an_oral_consent_drops_a_stray_drawing(mediator: User, usager: Usager) -> None:
    consents.record_consent(
        actor=mediator,
        usager=usager,
        purpose_code=PurposeCode.DOCUMENT,
        method=ConsentMethod.ORAL_WITNESSED,
        signature_png=signature_png(),
    )
    assert not ConsentSignature.objects.exists()


def test_signatures_rotate_with_the_vault_keys(usager: Usager) -> None:
    make_signed_consent(usager)
    assert "rgpd.consentsignature" in pending_rotation()


# -- pages --------------------------------------------------------------------------------------


def test_consent_form_posts_the_drawing_and_the_proof_shows_it(
    client: Client, usager: Usager, mediator: User
) -> None:
    form = client.get(reverse("rgpd:consent_new", args=[usager.pk])).content.decode()
    assert 'name="signature"' in form and "js/signature.js" in form
    assert "Oral, devant témoin" in form and "JavaScript" in form  # the alternatives are said
    response = client.post(
        reverse("rgpd:consent_new", args=[usager.pk]),
        {
            "purpose": PurposeCode.DOCUMENT,
            "method": ConsentMethod.TABLET_SIGNATURE,
            "text_read": "on",
            "signature": signature_data_url(),
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get(usager=usager)
    assert ConsentSignature.objects.filter(consent=consent).exists()
    proof = client.get(reverse("rgpd:consent_proof", args=[consent.pk])).content.decode()
    image_url = reverse("rgpd:consent_signature", args=[consent.pk])
    assert f'src="{image_url}"' in proof and "Signature de Aïcha" in proof
    image = client.get(image_url)
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert "no-store" in image["Cache-Control"]
    assert image["X-Content-Type-Options"] == "nosniff"
    assert b"".join(image).startswith(b"\x89PNG")  # type: ignore[arg-type]
    entry = JournalEntry.objects.filter(action=JournalAction.VIEW_SIGNATURE).get()
    assert entry.target_id == str(consent.pk) and entry.actor_id == mediator.pk


def test_consent_form_without_a_drawing_says_what_to_do_and_keeps_nothing(
    client: Client, usager: Usager
) -> None:
    for drawn in ("", "data:image/png;base64," + base64.b64encode(b"pas une image").decode()):
        response = client.post(
            reverse("rgpd:consent_new", args=[usager.pk]),
            {
                "purpose": PurposeCode.DOCUMENT,
                "method": ConsentMethod.TABLET_SIGNATURE,
                "text_read": "on",
                "signature": drawn,
            },
        )
        assert response.status_code == 400
        assert "effacez-la et signez" in response.content.decode() or (
            "Faites signer la personne" in response.content.decode()
        )
    assert not Consent.objects.exists()


def test_signature_of_another_mds_is_refused_and_journaled(client: Client, mds_b: MDS) -> None:
    other = make_signed_consent(UsagerFactory(mds=mds_b))
    response = client.get(reverse("rgpd:consent_signature", args=[other.pk]))
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    assert JournalEntry.objects.filter(
        action=JournalAction.ACCESS_REFUSED,
        target_id=str(other.pk),
        reason=JournalReason.REFUSED_OTHER_MDS,
    ).exists()
    assert not JournalEntry.objects.filter(action=JournalAction.VIEW_SIGNATURE).exists()


def test_a_consent_without_signature_has_no_image(client: Client, usager: Usager) -> None:
    from tests.rgpd.factories import make_consent

    consent = make_consent(usager)
    assert client.get(reverse("rgpd:consent_signature", args=[consent.pk])).status_code == 404
    assert (
        "signature.png"
        not in client.get(reverse("rgpd:consent_proof", args=[consent.pk])).content.decode()
    )


# -- retention ----------------------------------------------------------------------------------


def test_signatures_are_shredded_when_the_proof_retention_ends(
    usager: Usager, mediator: User
) -> None:
    old = make_signed_consent(usager)
    recent = make_signed_consent(usager, PurposeCode.DOCUMENT)
    live = make_signed_consent(usager, PurposeCode.REMINDERS)
    now = timezone.now()
    Consent.objects.filter(pk=old.pk).update(withdrawn_at=now - dt.timedelta(days=5 * 366))
    Consent.objects.filter(pk=recent.pk).update(withdrawn_at=now - dt.timedelta(days=4 * 365))
    assert purge.purge_consent_signatures(now=now) == 1
    shredded = ConsentSignature.objects.get(consent=old)
    assert shredded.is_shredded and shredded.destroyed_at is not None
    assert not bytes(shredded.image)
    for kept in (recent, live):
        assert ConsentSignature.objects.get(consent=kept).is_available
    entry = JournalEntry.objects.get(action=JournalAction.DESTROY_SECRET)
    assert entry.target_type == "consent_signature" and entry.target_id == str(old.pk)
    assert entry.reason == JournalReason.RETENTION_POLICY
    assert purge.purge_consent_signatures(now=now) == 0  # idempotent
    with pytest.raises(ConsentSignature.DoesNotExist):
        consents.read_signature(actor=mediator, consent=old)
