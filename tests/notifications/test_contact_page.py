"""The mediator records a person's reminder contact from the person's page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from accompagnement.models import Usager
from mds.models import MDS
from mds.roles import Role
from notifications.models import Channel, Contact, Language
from rgpd.models import PurposeCode
from tests.rgpd.factories import make_consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def usager(mds_a: MDS) -> Usager:
    return Usager.objects.create(mds=mds_a, display_name="Amina")


def _url(usager: Usager) -> str:
    return reverse("notifications:contact", args=[usager.pk])


def test_the_person_page_links_to_the_contact_form(
    client_as: Callable[..., Client], usager: Usager
) -> None:
    page = client_as(Role.MEDIATEUR).get(reverse("accompagnement:usager", args=[usager.pk]))
    assert _url(usager) in page.content.decode()


def test_the_mediator_records_the_contact_and_saving_twice_keeps_one(
    client_as: Callable[..., Client], usager: Usager
) -> None:
    client = client_as(Role.MEDIATEUR)
    page = client.get(_url(usager))
    assert page.status_code == 200
    assert "Pas d'accord en cours pour les rappels" in page.content.decode()
    data = {"channel": Channel.SMS, "phone": "06 12 34 56 78", "email": "", "language": "ar"}
    for _ in range(2):  # a double submit
        response = client.post(_url(usager), data)
        assert response.status_code == 302
        assert response["Location"] == reverse("accompagnement:usager", args=[usager.pk])
    contact = Contact.objects.get()
    assert (contact.usager_id, contact.phone, contact.language) == (
        usager.pk,
        "+33612345678",
        Language.AR,
    )
    make_consent(usager, PurposeCode.REMINDERS)
    assert "a donné son accord" in client.get(_url(usager)).content.decode()
    # changing it replaces it
    client.post(_url(usager), {**data, "channel": Channel.EMAIL, "email": "amina@example.org"})
    contact = Contact.objects.get()
    assert (contact.channel, contact.email) == (Channel.EMAIL, "amina@example.org")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"channel": "sms", "phone": "12", "language": "fr"}, "Numéro de téléphone invalide."),
        (
            {"channel": "email", "email": "pas-un-courriel", "language": "fr"},
            "Adresse de courriel invalide.",
        ),
        ({"channel": "sms", "phone": "", "language": "fr"}, "Indiquez le numéro de téléphone"),
        ({"channel": "email", "email": "", "language": "fr"}, "Indiquez le courriel"),
        ({"channel": "pigeon", "phone": "0612345678", "language": "fr"}, "Sélectionnez un choix"),
    ],
)
def test_bad_input_says_why_in_french_and_saves_nothing(
    client_as: Callable[..., Client], usager: Usager, data: dict[str, str], message: str
) -> None:
    response = client_as(Role.MEDIATEUR).post(_url(usager), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Contact.objects.exists()


def test_a_mediator_of_another_mds_gets_404(
    client_as: Callable[..., Client], usager: Usager, mds_b: MDS
) -> None:
    client = client_as(Role.MEDIATEUR, mds_b)
    assert client.get(_url(usager)).status_code == 404
    data = {"channel": "sms", "phone": "0612345678", "language": "fr"}
    assert client.post(_url(usager), data).status_code == 404
    assert not Contact.objects.exists()
