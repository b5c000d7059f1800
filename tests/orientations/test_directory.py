"""The partner directory: import (all or nothing, rejected-rows report), search, the sheet."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from mds.models import MDS
from mds.roles import Role
from orientations import directory, selectors
from orientations.models import Partner, Permanence
from tests.factories import make_member

pytestmark = pytest.mark.django_db

CSV_OK = (
    "id;nom;description;thematiques;publics;frais;modes_accueil;adresse;code_postal;c"
    "ommune;courriel;telephone;date_maj;horaires_accueil;offres;langues\n"
    "cs-st-just;Centre social Saint-Just;Accès libre et ateliers;numerique,numerique-"
    "-acceder-a-du-materiel;tous-publics;gratuit;en-presentiel;12 rue Saint-Just;1301"
    '3;Marseille;contact@cs.example;04 91 00 00 00;2026-03-01;"Mo,We 09:00-12:00; Fr '
    '14:00-17:30";ordinateurs,ateliers;fr,ar\n'
    "emmaus;Emmaüs Connect;Recharges et équipement;numerique--acceder-a-du-materiel;p"
    "ersonnes-en-situation-de-precarite;gratuit;en-presentiel;3 bd National;13001;Mar"
    "seille;;;2026-02-10;Tu 14:00-17:00;ordinateurs;\n"
)


def test_valid_csv_creates_partners_with_their_weekly_permanences() -> None:
    report = directory.import_partners(CSV_OK.encode(), filename="annuaire.csv")
    assert report.ok and report.created == 2 and report.updated == 0
    centre = Partner.objects.get(external_id="cs-st-just")
    assert centre.thematiques == ["numerique", "numerique--acceder-a-du-materiel"]
    assert centre.date_maj == dt.date(2026, 3, 1)
    slots = [(p.weekday, p.starts_at, p.ends_at, p.offers) for p in centre.permanences.all()]
    assert slots == [
        (0, dt.time(9), dt.time(12), ["ordinateurs", "ateliers"]),
        (2, dt.time(9), dt.time(12), ["ordinateurs", "ateliers"]),
        (4, dt.time(14), dt.time(17, 30), ["ordinateurs", "ateliers"]),
    ]
    # importing again updates, never duplicates
    report = directory.import_partners(CSV_OK.encode(), filename="annuaire.csv")
    assert report.created == 0 and report.updated == 2
    assert Partner.objects.count() == 2 and Permanence.objects.count() == 4


def test_valid_json_with_data_inclusion_names() -> None:
    rows = [
        {
            "source": "dora",
            "id": "abc",
            "nom": "ADPEI",
            "date_maj": "2026-01-05",
            "thematiques": ["numerique--realiser-des-demarches-administratives"],
            "commune": "Vitrolles",
            "code_postal": "13127",
            "horaires_accueil": "Th 09:00-12:00",
        }
    ]
    report = directory.import_partners(json.dumps(rows).encode(), filename="a.json")
    assert report.ok
    assert Partner.objects.get(source="dora", external_id="abc").permanences.get().weekday == 3


def test_malformed_rows_are_reported_and_nothing_is_written() -> None:
    bad = CSV_OK + (
        "x1;;sans nom;numerique;;;;;13013;Marseille;;;2026-01-01;;;\n"
        "x2;Mauvais CP;;numerique;;;;;1301;Marseille;;;2026-01-01;;;\n"
        "x3;Mauvaise date;;numerique;;;;;13013;Marseille;;;hier;;;\n"
        "x4;Horaires;;numerique;;;;;13013;Marseille;;;2026-01-01;le matin;;\n"
        "x5;Thématique;;Numérique !;;;;;13013;Marseille;;;2026-01-01;;;\n"
        "x6;Courriel;;numerique;;;;;13013;Marseille;pas-un-courriel;;2026-01-01;;;\n"
    )
    report = directory.import_partners(bad.encode(), filename="annuaire.csv")
    assert not report.ok
    lines = dict(report.rejected)
    assert set(lines) == {4, 5, 6, 7, 8, 9}
    assert "nom" in lines[4]
    assert "code_postal" in lines[5]
    assert "date_maj" in lines[6]
    assert "horaires_accueil" in lines[7]
    assert "thematiques" in lines[8]
    assert "courriel" in lines[9]
    assert Partner.objects.count() == 0 and Permanence.objects.count() == 0


def test_the_import_page_shows_the_rejected_rows(mds_a: MDS) -> None:
    admin = make_member(Role.ADMIN, None)
    client = Client()
    client.force_login(admin)
    upload = SimpleUploadedFile(
        "a.csv", b"id;nom;date_maj\n;X;2026-01-01\n", content_type="text/csv"
    )
    response = client.post("/orientations/annuaire/importer/", {"file": upload})
    assert response.status_code == 400
    body = response.content.decode()
    assert "a été importé. Lignes refusées" in body and "Ligne 2 : champ(s) obligatoire(s)" in body
    upload = SimpleUploadedFile("a.csv", CSV_OK.encode(), content_type="text/csv")
    response = client.post("/orientations/annuaire/importer/", {"file": upload}, follow=True)
    assert "2 partenaire(s) ajouté(s)" in response.content.decode()


def test_search_by_thematique_day_and_commune() -> None:
    directory.import_partners(CSV_OK.encode(), filename="annuaire.csv")
    names = lambda **kw: [p.nom for p in selectors.search_partners(**kw)]  # noqa: E731
    assert names() == ["Centre social Saint-Just", "Emmaüs Connect"]
    assert names(thematique="numerique") == ["Centre social Saint-Just"]
    assert names(weekday=1) == ["Emmaüs Connect"]
    assert names(weekday=0, commune="marseille") == ["Centre social Saint-Just"]
    assert names(commune="Vitrolles") == []


@pytest.mark.parametrize(
    ("langue", "expected", "direction"),
    [("fr", "Où aller", "ltr"), ("en", "Where to go", "ltr"), ("ar", "إلى أين تذهب", "rtl")],
)
def test_the_orientation_sheet_in_the_persons_language(
    langue: str, expected: str, direction: str, mds_a: MDS
) -> None:
    directory.import_partners(CSV_OK.encode(), filename="annuaire.csv")
    partner = Partner.objects.get(external_id="cs-st-just")
    client = Client()
    client.force_login(make_member(Role.ACCUEIL, mds_a))
    body = client.get(
        f"/orientations/annuaire/{partner.pk}/fiche/?langue={langue}"
    ).content.decode()
    assert expected in body and f'dir="{direction}"' in body
    assert "14:00 – 17:30" in body
    assert "css/orientations.css" in body  # the print stylesheet
