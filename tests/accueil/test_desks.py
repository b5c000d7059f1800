"""Desks are reference data of each MDS, with the names the waiting-room screen shows in its
English and Arabic turns (issue 13, item 3)."""

from __future__ import annotations

import importlib
from collections.abc import Callable

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from accueil import selectors, services
from accueil.models import Desk, Passage, Status
from accueil.reference import suggested_desk_translations
from accueil.services import Action
from mds.models import MDS, User
from mds.roles import Role
from tests.accueil.factories import PassageFactory

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module("accueil.migrations.0006_desks_from_passages")


@pytest.mark.parametrize(
    ("label", "english", "arabic"),
    [
        ("Bureau 2", "Office 2", "المكتب 2"),
        ("Accueil", "Reception", "الاستقبال"),
        ("guichet n°3", "Counter 3", "الشباك 3"),
        ("Bureau 2 (rez-de-chaussée)", "", ""),
        ("B7", "", ""),
    ],
)
def test_usual_desk_names_come_translated_others_are_left_to_the_admin(
    label: str, english: str, arabic: str
) -> None:
    assert suggested_desk_translations(label) == (english, arabic)


def test_the_data_migration_turns_free_text_desks_into_rows_per_mds(mds_a: MDS, mds_b: MDS) -> None:
    used = [(mds_a, "Bureau 2"), (mds_a, "Bureau 2"), (mds_a, "Box PMI"), (mds_b, "Bureau 2")]
    for mds, desk in used:
        PassageFactory(mds=mds, status=Status.DONE, desk=desk)
    PassageFactory(mds=mds_a, desk="")
    Desk.objects.all().delete()

    MIGRATION.desks_from_passages(apps, None)
    MIGRATION.desks_from_passages(apps, None)  # run twice: nothing doubled

    rows = {(d.mds_id, d.label): d for d in Desk.objects.all()}
    assert set(rows) == {(mds_a.pk, "Bureau 2"), (mds_a.pk, "Box PMI"), (mds_b.pk, "Bureau 2")}
    assert rows[(mds_a.pk, "Bureau 2")].label_en == "Office 2"
    assert rows[(mds_a.pk, "Bureau 2")].code == "bureau-2"
    assert rows[(mds_a.pk, "Box PMI")].label_ar == ""  # not a usual name: the admin translates
    assert Passage.objects.filter(desk="Bureau 2").count() == 3  # passages keep their text

    MIGRATION.remove_desks(apps, None)  # reversible
    assert not Desk.objects.exists()


def test_a_new_desk_name_called_becomes_a_row_and_is_reused(
    member: Callable[..., User], mds_a: MDS
) -> None:
    mediator = member(Role.MEDIATEUR, mds_a)
    for ticket in (1, 2):
        passage = PassageFactory(mds=mds_a, ticket_number=ticket, oriented_to=Role.MEDIATEUR)
        services.transition(
            passage_id=passage.pk, actor=mediator, action=Action.CALL, desk=" Salle 4 "
        )
    desk = Desk.objects.get(mds=mds_a)
    assert (desk.label, desk.code, desk.label_en, desk.label_ar) == (
        "Salle 4",
        "salle-4",
        "Room 4",
        "القاعة 4",
    )
    assert list(selectors.desks_of(mds=mds_a)) == [desk]


def test_the_board_shows_the_translations_the_admin_typed(
    member: Callable[..., User], mds_a: MDS
) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    passage = PassageFactory(mds=mds_a, ticket_number=5)
    services.transition(passage_id=passage.pk, actor=agent, action=Action.CALL, desk="Box PMI")
    Desk.objects.filter(mds=mds_a, label="Box PMI").update(
        label_en="Mother & child booth", label_ar="مقصورة حماية الأم والطفل"
    )
    url = reverse("accueil:board_content", args=[mds_a.board_token])
    assert "Box PMI" in Client().get(url, {"langue": "fr"}).content.decode()
    assert "Mother &amp; child booth" in Client().get(url, {"langue": "en"}).content.decode()
    assert "مقصورة حماية الأم والطفل" in Client().get(url, {"langue": "ar"}).content.decode()
    # a desk deactivated in the admin keeps its translation for the tickets already called
    Desk.objects.filter(mds=mds_a).update(is_active=False)
    assert "Mother &amp; child booth" in Client().get(url, {"langue": "en"}).content.decode()
    assert not selectors.desks_of(mds=mds_a).exists()


def test_desks_are_in_the_admin_with_their_translations(
    member: Callable[..., User], mds_a: MDS
) -> None:
    desk = services.desk_named(mds_id=mds_a.pk, label="Bureau 9")
    client = Client()
    client.force_login(member(Role.ADMIN, None))
    listing = client.get("/admin/accueil/desk/")
    assert listing.status_code == 200
    assert "Office 9" in listing.content.decode()
    change = client.get(f"/admin/accueil/desk/{desk.pk}/change/")
    assert change.status_code == 200
    assert 'name="label_ar"' in change.content.decode()


def test_the_desk_page_suggests_the_desks_of_its_mds(
    member: Callable[..., User], mds_a: MDS, mds_b: MDS
) -> None:
    services.desk_named(mds_id=mds_a.pk, label="Bureau 1")
    services.desk_named(mds_id=mds_b.pk, label="Bureau du B")
    client = Client()
    client.force_login(member(Role.MEDIATEUR, mds_a))
    page = client.get(reverse("accueil:desk")).content.decode()
    assert '<datalist id="bureaux"><option value="Bureau 1"></datalist>' in page
    assert "Bureau du B" not in page
