"""Data for the notification tests: a person with a contact and (or not) a reminders consent."""

from __future__ import annotations

import datetime as dt

from accompagnement.models import Usager
from mds.models import MDS
from notifications.models import Channel, Contact
from rgpd.models import PurposeCode
from tests.rgpd.factories import make_consent


def person(
    mds: MDS,
    *,
    consent: bool = True,
    consent_expires_at: dt.datetime | None = None,
    phone: str = "06 12 34 56 78",
    email: str = "",
    channel: str = Channel.SMS,
    language: str = "fr",
) -> Usager:
    usager = Usager.objects.create(mds=mds, display_name="Amina")
    Contact.objects.create(
        usager=usager, phone=phone, email=email, channel=channel, language=language
    )
    if consent:
        make_consent(usager, PurposeCode.REMINDERS, expires_at=consent_expires_at)
    return usager
