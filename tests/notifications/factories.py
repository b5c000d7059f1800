"""Data for the notification tests: a person with a contact and (or not) a reminders consent."""

from __future__ import annotations

from accompagnement.models import Usager
from mds.models import MDS, User
from notifications.models import Channel, Contact
from rgpd.models import ConsentMethod, PurposeCode
from rgpd.services import record_consent


def person(
    mds: MDS,
    *,
    consent_by: User | None = None,
    phone: str = "06 12 34 56 78",
    email: str = "",
    channel: str = Channel.SMS,
    language: str = "fr",
) -> Usager:
    usager = Usager.objects.create(mds=mds, display_name="Amina")
    Contact.objects.create(
        usager=usager, phone=phone, email=email, channel=channel, language=language
    )
    if consent_by is not None:
        record_consent(
            actor=consent_by,
            usager=usager,
            purpose_code=PurposeCode.REMINDERS,
            method=ConsentMethod.ORAL_WITNESSED,
        )
    return usager
