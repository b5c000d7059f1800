"""The reminder contact and the receipts follow the person's rights and the production defaults."""

from __future__ import annotations

import pytest

from mds.models import MDS
from mds.roles import Role
from notifications import services
from notifications.models import Contact, Kind, Receipt
from rgpd.pages.rights import collect_person, erase_person
from tests.factories import make_member
from tests.notifications.factories import person


@pytest.mark.django_db
def test_erasing_a_person_deletes_the_contact_and_anonymises_the_receipts(mds_a: MDS) -> None:
    usager = person(mds_a)
    services.notify(
        kind=Kind.APPOINTMENT,
        dedup_key="k",
        context={"date": "1/1", "mds": "A"},
        usager=usager,
        mds=mds_a,
    )
    Receipt.objects.update(to_masked="+33…78")
    exported = collect_person(usager=usager)
    assert "reminder_contact" in str(exported) and "receipts" in str(exported)
    erase_person(actor=make_member(Role.DPO, None), usager=usager)
    assert not Contact.objects.exists()
    receipt = Receipt.objects.get()
    assert (receipt.usager_id, receipt.to_masked, receipt.context) == (None, "", {})


def test_production_does_not_pretend_to_send_sms_without_a_provider() -> None:
    from mds.settings import base, dev

    assert base.NOTIFICATION_BACKENDS["sms"] == "notifications.backends.sms_http.HttpSmsBackend"
    assert base.SMS_HTTP_TOKEN == ""  # no credential in the repository
    assert dev.NOTIFICATION_BACKENDS["sms"] == "notifications.backends.simple.ConsoleBackend"
