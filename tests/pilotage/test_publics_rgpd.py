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


def test_rgpd_figures_count_consents_and_vault(mds_a: MDS) -> None:
    from rgpd.models import ConsentPurpose, PurposeCode
    from tests.rgpd.factories import make_credential

    credentials = [
        make_credential(Usager.objects.create(mds=mds_a, age_band="25_39")) for _ in range(6)
    ]
    now = timezone.now()
    for credential in credentials[:2]:
        credential.handed_over_at = now
        credential.save(update_fields=["handed_over_at"])
    withdrawn = credentials[0].consent
    withdrawn.withdrawn_at = now
    withdrawn.save(update_fields=["withdrawn_at"])
    today = timezone.localdate()
    tables = rgpd_tables(Filters(start=today, end=today, sites=(mds_a,)), whole_department=False)
    purpose = ConsentPurpose.objects.get(code=PurposeCode.CREDENTIAL).label
    consents = {row[0]: row[1:] for row in read(tables, "rgpd/consentements")}
    assert consents[purpose] == ["6", "< 5"]  # 6 given, 1 withdrawn
    vault = {row[0]: row[1:] for row in read(tables, "rgpd/coffre")}
    # stored 6, handed over 2, none expired or destroyed today (they expire in 7 days)
    assert vault["Identifiants temporaires"] == ["6", "< 5", "0", "0"]
    assert vault["Document numérisé"] == ["0", "0", "0", "0"]
    tomorrow = Filters(start=today, end=today + dt.timedelta(days=8), sites=(mds_a,))
    vault = {
        row[0]: row[1:]
        for row in read(rgpd_tables(tomorrow, whole_department=False), "rgpd/coffre")
    }
    assert vault["Identifiants temporaires"][2] == "6"  # expired within the period


def test_publics_anonymous_sessions_by_age_band(mds_a: MDS) -> None:
    for band, times in (("18_24", 6), ("70_plus", 2)):
        for _ in range(times):
            session = make_session(mds_a, dt.date(2026, 3, 4), (AVEC,))
            session.age_band = band
            session.save(update_fields=["age_band"])
    rows = dict(read(publics_tables(Filters(sites=(mds_a,), **MARCH)), "publics/ages-anonymes"))
    assert rows["18-24 ans"] == "masqué"  # 8 sessions are published: 8 - 6 would give the 2
    assert rows["70 ans et plus"] == "< 5"
    assert rows["25-39 ans"] == "0"
