"""Writes of the notifications: queue a message (receipt + outbox row), deliver it once.

Rules kept here and only here:
- a message to a person needs a live consent for the "reminders" purpose at the moment it is
  sent (checked by the job, not when queued: a consent withdrawn overnight stops tomorrow's
  reminder); without it nothing is sent and the receipt says why;
- a message is delivered at most once: the receipt row is locked and only a QUEUED receipt is
  sent (a task delivered twice finds it SENT);
- bad input (missing template variable, invalid phone or e-mail) fails the receipt for good,
  with the reason; a provider down is retried at most ``MAX_ATTEMPTS`` times, then FAILED.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from accompagnement.models import Usager
from mds.models import MDS, User
from mds.outbox.services import RetryLater, enqueue, job
from rgpd.models import PurposeCode
from rgpd.selectors.consents import live_consent

from .backends import OutgoingMessage, PermanentError, TransientError, get_backend
from .messages import TemplateError, render
from .models import Channel, Contact, Language, Receipt, ReceiptStatus

#: delivery attempts of one message before its receipt is FAILED (provider down)
MAX_ATTEMPTS = 3
SEND_TASK = "notifications.send"
#: kinds addressed to a person (not to staff): they need the reminders consent
PERSON_KINDS = frozenset({"appointment_reminder"})

_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")


class InvalidAddress(ValueError):
    pass


def normalise_phone(raw: str) -> str:
    """A French mobile (06/07…) or an international number, as E.164 (``+33612345678``)."""
    phone = _PHONE_SEPARATORS.sub("", raw or "")
    if phone.startswith("00"):
        phone = "+" + phone[2:]
    elif re.fullmatch(r"0[1-9]\d{8}", phone):
        phone = "+33" + phone[1:]
    if not _E164.fullmatch(phone):
        raise InvalidAddress("Numéro de téléphone invalide.")
    return phone


def normalise_email(raw: str) -> str:
    try:
        validate_email(raw)
    except ValidationError as exc:
        raise InvalidAddress("Adresse de courriel invalide.") from exc
    return raw.strip()


def mask(address: str) -> str:
    """Enough for staff to recognise the address, not to use it."""
    if "@" in address:
        name, _, domain = address.partition("@")
        return f"{name[:1]}…@{domain}"
    return f"{address[:3]}…{address[-2:]}"


def save_contact(*, usager: Usager, channel: str, phone: str, email: str, language: str) -> Contact:
    """Record (or replace) how a person wants to be reminded; saving twice = once.

    Addresses are already normalised by the form. The reminders consent is separate (collected
    on the person's consents page) and checked when a message is sent."""
    with transaction.atomic():
        contact, _created = Contact.objects.update_or_create(
            usager=usager,
            defaults={"channel": channel, "phone": phone, "email": email, "language": language},
        )
    return contact


def notify(
    *,
    kind: str,
    dedup_key: str,
    context: dict[str, Any],
    mds: MDS | None = None,
    user: User | None = None,
    usager: Usager | None = None,
    channel: str | None = None,
) -> Receipt:
    """Queue one message (in the caller's transaction). Same ``dedup_key`` twice: one message."""
    if (user is None) == (usager is None):
        raise ValueError("notify() takes a staff user or a person, exactly one.")
    language = Language.FR
    if usager is not None:
        contact = Contact.objects.filter(usager=usager).first()
        if contact is not None:
            language = Language(contact.language)
            channel = channel or contact.channel
    with transaction.atomic():
        receipt, created = Receipt.objects.get_or_create(
            dedup_key=dedup_key,
            defaults={
                "kind": kind,
                "channel": channel or Channel.EMAIL,
                "mds": mds,
                "recipient_user": user,
                "usager": usager,
                "language": language,
                "context": context,
            },
        )
        if created:
            enqueue(
                task_name=SEND_TASK,
                payload={"receipt_id": receipt.pk},
                dedup_key=f"notify:{dedup_key}",
            )
    return receipt


def _finish(receipt: Receipt, status: str, error: str = "") -> None:
    receipt.status = status
    receipt.error = error[:300]
    if status == ReceiptStatus.SENT:
        receipt.sent_at = timezone.now()
    receipt.save(update_fields=["status", "error", "sent_at", "attempts", "to_masked"])


def _address(receipt: Receipt) -> str:
    if receipt.recipient_user_id is not None:
        assert receipt.recipient_user is not None
        return normalise_email(receipt.recipient_user.email)
    contact = (
        Contact.objects.filter(usager_id=receipt.usager_id).first()
        if receipt.usager_id is not None
        else None
    )
    if contact is None:
        raise InvalidAddress("Aucun contact enregistré pour les rappels.")
    if receipt.channel == Channel.SMS:
        return normalise_phone(contact.phone)
    return normalise_email(contact.email)


@job(SEND_TASK)
def deliver(*, receipt_id: int) -> RetryLater | None:
    """The outbox job: send the message of one receipt, at most once."""
    receipt = (
        Receipt.objects.select_for_update(of=("self",))
        .select_related("recipient_user")
        .filter(pk=receipt_id)
        .first()
    )
    if receipt is None or receipt.status != ReceiptStatus.QUEUED:
        return None  # already sent (or given up): a second delivery does nothing
    if receipt.kind in PERSON_KINDS and (
        receipt.usager_id is None
        or live_consent(usager=receipt.usager_id, purpose_code=PurposeCode.REMINDERS) is None
    ):
        _finish(
            receipt,
            ReceiptStatus.SKIPPED,
            "Pas de consentement en cours pour les rappels : rien n'a été envoyé.",
        )
        return None
    try:
        to = _address(receipt)
        receipt.to_masked = mask(to)
        subject, body = render(
            kind=receipt.kind, language=receipt.language, context=receipt.context
        )
    except (InvalidAddress, TemplateError) as exc:
        _finish(receipt, ReceiptStatus.FAILED, str(exc))
        return None
    receipt.attempts += 1
    try:
        get_backend(receipt.channel).send(
            OutgoingMessage(channel=receipt.channel, to=to, subject=subject, body=body)
        )
    except PermanentError as exc:
        _finish(receipt, ReceiptStatus.FAILED, str(exc))
        return None
    except TransientError as exc:
        if receipt.attempts >= MAX_ATTEMPTS:
            _finish(
                receipt, ReceiptStatus.FAILED, f"{exc} Abandon après {receipt.attempts} essais."
            )
            return None
        _finish(receipt, ReceiptStatus.QUEUED, str(exc))
        return RetryLater(str(exc))
    _finish(receipt, ReceiptStatus.SENT)
    return None
