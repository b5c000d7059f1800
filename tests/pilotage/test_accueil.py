"""Accueil indicators on the hand-computed March 2026 fixture of MDS A (conftest)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mds.models import MDS
from pilotage.forms import Filters
from pilotage.selectors.accueil import accueil_tables, passages
from pilotage.tables import Table

pytestmark = pytest.mark.django_db


def march(site: MDS, **kwargs: Any) -> Filters:
    return Filters(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), sites=(site,), **kwargs)


def read(tables: list[Table], slug: str) -> list[list[str]]:
    from pilotage.templatetags.pilotage import cell

    table = next(t for t in tables if t.slug == slug)
    return [[cell(v) for v in row] for row in table.rows]


def test_key_figures(accueil_march: None, mds_a: MDS) -> None:
    rows = dict(read(accueil_tables(march(mds_a)), "accueil/chiffres"))
    # 6 seen + 5 left + 2 on the DST night + 1 on 1 March local = 14 (not 1 April, not cancelled)
    assert rows["Passages"] == "14"
    # waits 2, 4, 6, 8, 10, 30 min: median (6 + 8) / 2; 90th percentile 10 + 0.5 x 20
    assert rows["Attente médiane (min)"] == "7,0"
    assert rows["Attente 90e centile (min)"] == "20,0"
    assert rows["Partis sans être reçus"] == "5"
    assert rows["Partis sans être reçus (%)"] == "35,7"  # 5 / 14
    assert rows["Arrivées hors horaires"] == "< 5"  # 3


def test_passages_per_day_follow_the_local_calendar(accueil_march: None, mds_a: MDS) -> None:
    rows = read(accueil_tables(march(mds_a)), "accueil/passages-par-jour")
    assert rows == [
        ["01/03/2026", "< 5"],  # 28 Feb 23:30 UTC
        ["10/03/2026", "6"],
        ["11/03/2026", "5"],
        ["29/03/2026", "< 5"],
    ]


def test_heat_map_in_paris_time_across_the_dst_switch(accueil_march: None, mds_a: MDS) -> None:
    rows = {row[0]: row[1:] for row in read(accueil_tables(march(mds_a)), "accueil/heures")}
    sunday, tuesday, wednesday = 6, 1, 2
    assert rows["00 h"][sunday] == "< 5"  # 1 March 00:30
    assert rows["01 h"][sunday] == "< 5"  # 29 March 00:30 UTC = 01:30 CET
    assert rows["02 h"][sunday] == "0"  # the hour that does not exist that night
    assert rows["03 h"][sunday] == "< 5"  # 29 March 01:30 UTC = 03:30 CEST
    assert rows["09 h"][tuesday] == "6"
    assert rows["14 h"][wednesday] == "5"
    assert min(rows) == "00 h" and max(rows) == "14 h"


def test_motives_with_secondary_masking(accueil_march: None, mds_a: MDS) -> None:
    rows = {r[0]: r[1:] for r in read(accueil_tables(march(mds_a)), "accueil/motifs")}
    assert rows["Démarche en ligne / médiation numérique"] == ["6", "42,9"]  # 6 / 14
    assert rows["Information"] == ["< 5", "—"]  # 3
    # 5, the smallest other count, is masked too: else 14 - 6 - 5 would give the 3
    assert rows["Rendez-vous avec un travailleur social"] == ["masqué", "—"]
    assert rows["PMI (protection maternelle et infantile)"] == ["0", "0,0"]


def test_priorities_and_languages(accueil_march: None, mds_a: MDS) -> None:
    tables = accueil_tables(march(mds_a))
    priorities = {r[0]: r[1] for r in read(tables, "accueil/priorites")}
    assert priorities["Handicap"] == "< 5"  # 2
    assert priorities["Aucune"] == "masqué"  # 12 would reveal the 2
    languages = {r[0]: r[1] for r in read(tables, "accueil/langues")}
    assert languages["Non précisée"] == "14"


def test_motive_filter(accueil_march: None, mds_a: MDS) -> None:
    from tests.accueil.factories import motive

    filters = march(mds_a, motive=motive("rdv-social"))
    assert passages(filters).count() == 5
    rows = dict(read(accueil_tables(filters), "accueil/chiffres"))
    assert rows["Partis sans être reçus (%)"] == "100,0"
    assert rows["Attente médiane (min)"] == "—"  # nobody was seen


def test_other_mds_and_period_edges_are_left_out(accueil_march: None, mds_b: MDS) -> None:
    assert passages(march(mds_b)).count() == 1
    april = Filters(start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30), sites=(mds_b,))
    assert passages(april).count() == 0
