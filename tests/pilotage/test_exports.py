"""Exports: headers exactly as documented in docs/exports.md, masked counts as labels, ISO
dates, formulas neutralised, XLSX that openpyxl opens."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accueil.models import Motive
from mds.models import MDS
from mds.roles import Role
from pilotage.exports import neutralise
from pilotage.tables import COOP_COLUMNS, SPECS
from tests.pilotage.conftest import local, make_passage

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "exports.md"
MARCH = {"periode": "personnalisee", "du": "2026-03-01", "au": "2026-03-31"}


def documented() -> dict[str, list[str]]:
    """Each documented table (slug, or "coop") and its columns, in order."""
    tables: dict[str, list[str]] = {}
    current: str | None = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^### `([a-z-]+/[a-z-]+)`", line)
        if heading:
            current = heading.group(1)
            tables[current] = []
        elif line.startswith("## Export des accompagnements"):
            current = "coop"
            tables[current] = []
        elif line.startswith("## "):
            current = None
        elif current and line.startswith("| ") and not line.startswith("| colonne"):
            tables[current].append(line.split("|")[1].strip())
    return tables


def read_csv(response: object) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_the_doc_lists_every_table_and_nothing_else() -> None:
    assert set(documented()) == {*SPECS, "coop"}


@pytest.mark.parametrize("slug", sorted(SPECS))
def test_export_headers_match_the_doc(
    slug: str, client_as: Callable[..., Client], mds_a: MDS, mds_b: MDS
) -> None:
    # two MDS: the comparison tables exist only when several MDS are in scope
    section, name = slug.split("/")
    if section == "rgpd":
        client = client_as(Role.DPO)
        url = reverse("pilotage:rgpd_export", kwargs={"name": name, "fmt": "csv"})
    else:
        client = client_as(Role.DIRECTION_DEPARTEMENTALE)
        url = reverse("pilotage:export", kwargs={"section": section, "name": name, "fmt": "csv"})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert read_csv(response)[0] == documented()[slug]


def test_coop_export_headers_and_rows(client_as: Callable[..., Client], mds_a: MDS) -> None:
    from accompagnement.models import ModeOfHelp
    from tests.pilotage.conftest import make_session

    make_session(mds_a, dt.date(2026, 3, 2), (ModeOfHelp.FAIRE_AVEC, ModeOfHelp.FAIRE_POUR))
    client = client_as(Role.DIRECTION, mds_a)
    response = client.get(reverse("pilotage:coop_export", kwargs={"fmt": "csv"}), MARCH)
    rows = read_csv(response)
    assert rows[0] == documented()["coop"] == list(COOP_COLUMNS)
    # CAF démarche en ligne twice: themes once each; faire pour -> pas du tout autonome
    assert rows[1] == [
        "2026-03-02",
        "30",
        "lieu_activite",
        mds_a.name,
        "aide_aux_demarches_administratives",
        "social_sante",
        "pas_du_tout",
        "vingt_cinq_trente_neuf",
        "non_communique",
        "non",
    ]
    xlsx = client.get(reverse("pilotage:coop_export", kwargs={"fmt": "xlsx"}), MARCH)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[1]] == list(COOP_COLUMNS)
    assert sheet["A2"].value == dt.datetime(2026, 3, 2)
    assert sheet["A2"].number_format == "yyyy-mm-dd"


@pytest.mark.parametrize("text", ["=1+2", "+33 6", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_prefixes_are_neutralised(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert neutralise("< 5") == "< 5"
    assert neutralise("Démarche") == "Démarche"


def test_a_label_that_looks_like_a_formula_is_exported_as_text(
    client_as: Callable[..., Client], mds_a: MDS
) -> None:
    Motive.objects.create(code="piege", label='=HYPERLINK("http://x","clic")', position=1)
    for _ in range(6):
        make_passage(mds_a, local(2026, 3, 3, 10), code="piege")
    client = client_as(Role.DIRECTION, mds_a)
    kwargs = {"section": "accueil", "name": "motifs"}
    rows = read_csv(client.get(reverse("pilotage:export", kwargs={**kwargs, "fmt": "csv"}), MARCH))
    assert rows[1] == ['\'=HYPERLINK("http://x","clic")', "6", "100.0"]
    xlsx = client.get(reverse("pilotage:export", kwargs={**kwargs, "fmt": "xlsx"}), MARCH)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A2"].value == '\'=HYPERLINK("http://x","clic")'
    assert sheet["A2"].data_type == "s"


def test_masked_counts_and_iso_dates_in_both_formats(
    accueil_march: None, client_as: Callable[..., Client], mds_a: MDS
) -> None:
    client = client_as(Role.DIRECTION, mds_a)
    kwargs = {"section": "accueil", "name": "passages-par-jour"}
    rows = read_csv(client.get(reverse("pilotage:export", kwargs={**kwargs, "fmt": "csv"}), MARCH))
    assert rows == [
        ["Jour", "Passages"],
        ["2026-03-01", "< 5"],
        ["2026-03-10", "6"],
        ["2026-03-11", "5"],
        ["2026-03-29", "< 5"],
    ]
    response = client.get(reverse("pilotage:export", kwargs={**kwargs, "fmt": "xlsx"}), MARCH)
    assert "attachment" in response["Content-Disposition"]
    assert "2026-03-01-2026-03-31.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1] == [dt.datetime(2026, 3, 1), "< 5"]
    assert values[2] == [dt.datetime(2026, 3, 10), 6]
    assert sheet["A2"].number_format == "yyyy-mm-dd"
    assert len(values) == 5  # no total row


def test_invalid_filters_make_a_clear_400_not_another_scope(
    client_as: Callable[..., Client], mds_a: MDS
) -> None:
    client = client_as(Role.DIRECTION_DEPARTEMENTALE)
    url = reverse("pilotage:export", kwargs={"section": "accueil", "name": "motifs", "fmt": "csv"})
    response = client.get(url, {"periode": "personnalisee", "du": "2026-03-31", "au": "2026-03-01"})
    assert response.status_code == 400
    assert "La date de début doit précéder la date de fin." in response.content.decode()
    assert client.get(url.replace("motifs", "inconnu")).status_code == 404
