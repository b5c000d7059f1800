"""Publics (profile fields) and RGPD figures on small hand-computed fixtures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accompagnement.models import Usager
from mds.models import MDS
from pilotage.forms import Filters
from pilotage.selectors.publics import publics_tables
from pilotage.selectors.rgpd import rgpd_tables
from tests.pilotage.conftest import AVEC, make_session
from tests.pilotage.test_accueil import read

pytestmark = pytest.mark.django_db

MARCH = {"start": dt.date(2026, 3, 1), "end": dt.date(2026, 3, 31)}


def test_publics_profiles_of_people_seen_in_the_period(mds_a: MDS) -> None:
    for i in range(7):
        person = Usager.objects.create(
            mds=mds_a,
            age_band="40_59",
            gender="femme" if i < 5 else "homme",
            equipment=["smartphone", "ordinateur"] if i == 0 else ["smartphone"],
            internet_at_home="oui" if i < 5 else "non",
        )
        make_session(mds_a, dt.date(2026, 3, 4), (AVEC,), usager=person)
    # seen in February only: not in March's publics
    old = Usager.objects.create(mds=mds_a, age_band="70_plus", gender="homme")
    make_session(mds_a, dt.date(2026, 2, 4), (AVEC,), usager=old)
    tables = publics_tables(Filters(sites=(mds_a,), **MARCH))
    assert dict(read(tables, "publics/ages"))["40-59 ans"] == "7"
    assert dict(read(tables, "publics/ages"))["70 ans et plus"] == "0"
    genders = dict(read(tables, "publics/genres"))
    assert genders["Homme"] == "< 5"  # 2
    assert genders["Femme"] == "masqué"  # 5 would give the 2 away (7 people are published)
    equipment = dict(read(tables, "publics/equipement"))
    assert equipment["Smartphone"] == "7"
    assert equipment["Ordinateur"] == "< 5"
    internet = dict(read(tables, "publics/internet"))
    assert internet == {"Oui": "masqué", "Non": "< 5", "Ne sait pas / non demandé": "0"}


def test_rgpd_figures_count_the_journal_and_consents(mds_a: MDS) -> None:
    from rgpd.journal import record
    from rgpd.models import JournalAction

    for action, times in (
        (JournalAction.REVEAL_CREDENTIAL, 6),
        (JournalAction.DOWNLOAD_DOCUMENT, 5),
    ):
        for _ in range(times):
            record(actor=None, action=action, mds=mds_a, target_type="x", target_id="1")
    record(actor=None, action=JournalAction.PURGE_EXPIRED)
    today = timezone.localdate()
    filters = Filters(start=today, end=today, sites=(mds_a,))
    journal = dict(read(rgpd_tables(filters, whole_department=True), "rgpd/journal"))
    assert journal["Affichage d'identifiants"] == "6"
    assert journal["Purge des secrets expirés"] == "< 5"  # run once, for every MDS
    assert journal["Téléchargement d'un document"] == "masqué"  # else a total would give the 1
    narrowed = dict(read(rgpd_tables(filters, whole_department=False), "rgpd/journal"))
    assert "Purge des secrets expirés" not in narrowed
    assert narrowed["Téléchargement d'un document"] == "5"
