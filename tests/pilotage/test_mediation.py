"""Médiation indicators on the hand-computed February-March 2026 fixture of MDS A."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from accompagnement.models import Atelier, AtelierAudience, ModeOfHelp, Usager
from mds.models import MDS
from pilotage.forms import Filters
from pilotage.selectors import mediation as m
from pilotage.selectors.mediation import mediation_tables
from tests.pilotage.test_accueil import read

pytestmark = pytest.mark.django_db


def feb_march(site: MDS, **kwargs: Any) -> Filters:
    return Filters(start=dt.date(2026, 2, 1), end=dt.date(2026, 3, 31), sites=(site,), **kwargs)


def test_key_figures(mediation_feb_march: dict[str, Usager], mds_a: MDS) -> None:
    rows = dict(read(mediation_tables(feb_march(mds_a)), "mediation/chiffres"))
    assert rows["Accompagnements"] == "18"  # 7 with a profile + 6 + 5 anonymous
    assert rows["Personnes distinctes (profils)"] == "< 5"  # 4
    assert rows["Accompagnements anonymes"] == "11"
    assert rows["Démarches"] == "19"  # u2's second session has two
    # 7 x 30 + (10 + 20 + 30 + 45 + 90 + 150) + 5 x 15 = 630 min
    assert rows["Heures d'accompagnement"] == "10,5"


def test_faire_avec_and_faire_pour_month_by_month(
    mediation_feb_march: dict[str, Usager], mds_a: MDS
) -> None:
    rows = read(mediation_tables(feb_march(mds_a)), "mediation/modes-par-mois")
    # February: avec 2 (u2, u4), pour 1 (u1): all small, shares hidden
    assert rows[0] == ["2026-02", "0", "0", "0", "< 5", "< 5", "—", "—"]
    # March: laisser 1 (u4), former 1 (u3), avec 1 (u1) + 1 (u2) + 6 = 8, pour 1 (u2) + 5 = 6
    assert rows[1] == ["2026-03", "< 5", "0", "< 5", "8", "6", "50,0", "37,5"]  # 8/16, 6/16


def test_modes_over_the_period(mediation_feb_march: dict[str, Usager], mds_a: MDS) -> None:
    rows = {r[0]: r[1:] for r in read(mediation_tables(feb_march(mds_a)), "mediation/modes")}
    assert rows["Faire avec"] == ["10", "52,6"]  # 10 / 19
    assert rows["Faire pour"] == ["7", "36,8"]  # 7 / 19
    assert rows["Faire faire"] == ["0", "0,0"]


def test_autonomy_progress(mediation_feb_march: dict[str, Usager], mds_a: MDS) -> None:
    # u1 5 -> 4 and u4 4 -> 1 progressed; u2 4 -> 5 went back; u3 has one session only
    rows = read(mediation_tables(feb_march(mds_a)), "mediation/autonomie")
    assert rows == [
        ["Vers plus d'autonomie", "< 5", "—"],
        ["Même mode d'aide", "0", "—"],
        ["Vers moins d'autonomie", "< 5", "—"],
    ]


def test_autonomy_exact_counts_when_large_enough(mds_a: MDS) -> None:
    from tests.pilotage.conftest import make_session

    for _ in range(6):
        person = Usager.objects.create(mds=mds_a, age_band="25_39")
        make_session(mds_a, dt.date(2026, 2, 2), (ModeOfHelp.FAIRE_POUR,), usager=person)
        make_session(mds_a, dt.date(2026, 2, 9), (ModeOfHelp.FAIRE_FAIRE,), usager=person)
        make_session(mds_a, dt.date(2026, 3, 9), (ModeOfHelp.FAIRE_AVEC,), usager=person)
    for _ in range(5):
        person = Usager.objects.create(mds=mds_a, age_band="25_39")
        make_session(mds_a, dt.date(2026, 2, 2), (ModeOfHelp.FAIRE_AVEC,), usager=person)
        make_session(mds_a, dt.date(2026, 3, 2), (ModeOfHelp.FAIRE_AVEC,), usager=person)
    rows = read(mediation_tables(feb_march(mds_a)), "mediation/autonomie")
    # first vs last session: 5 -> 4 for six people, 4 -> 4 for five
    assert rows[0] == ["Vers plus d'autonomie", "6", "54,5"]
    assert rows[1] == ["Même mode d'aide", "5", "45,5"]
    assert rows[2] == ["Vers moins d'autonomie", "0", "0,0"]


def test_duration_bands_origins_outcomes(
    mediation_feb_march: dict[str, Usager], mds_a: MDS
) -> None:
    tables = mediation_tables(feb_march(mds_a))
    assert read(tables, "mediation/durees") == [
        ["15 minutes ou moins", "6"],  # 10 and five 15
        ["16 à 30 minutes", "9"],  # 20, 30 and seven 30
        ["31 minutes à 1 heure", "< 5"],
        ["1 à 2 heures", "< 5"],
        ["Plus de 2 heures", "< 5"],
    ]
    origins = dict(read(tables, "mediation/origines"))
    assert origins["Venue spontanée"] == "18"
    outcomes = dict(read(tables, "mediation/issues"))
    assert outcomes["Fait"] == "18"


def test_demarche_filters(mediation_feb_march: dict[str, Usager], mds_a: MDS) -> None:
    filters = feb_march(mds_a, mode=ModeOfHelp.FAIRE_POUR)
    assert m.sessions(filters).count() == 7  # u1 Feb, u2 March (mixed), 5 anonymous
    assert m.demarches(filters).count() == 7
    organismes = dict(read(mediation_tables(filters), "mediation/organismes"))
    assert organismes == {"CAF": "7"}


def test_ateliers(mds_a: MDS) -> None:
    from tests.factories import UserFactory

    animator = UserFactory()
    for girls, boys in ((3, 1), (2, 1)):
        Atelier.objects.create(
            mds=mds_a,
            animator=animator,
            audience=AtelierAudience.PUBLIC,
            theme="Courriel",
            date=dt.date(2026, 3, 3),
            duration_minutes=60,
            count_25_39=girls + boys,
            count_female=girls,
            count_male=boys,
            idempotency_key=__import__("uuid").uuid4(),
        )
    rows = read(mediation_tables(feb_march(mds_a)), "mediation/ateliers")
    assert rows == [["Pour les publics", "< 5", "7"], ["Pour les professionnels", "0", "0"]]


def test_mediator_filter_is_one_agent_only(mds_a: MDS) -> None:
    from tests.factories import UserFactory
    from tests.pilotage.conftest import make_session

    me, colleague = UserFactory(), UserFactory()
    for _ in range(6):
        make_session(mds_a, dt.date(2026, 3, 3), (ModeOfHelp.FAIRE_AVEC,), mediator=me)
    make_session(mds_a, dt.date(2026, 3, 3), (ModeOfHelp.FAIRE_POUR,), mediator=colleague)
    rows = dict(read(mediation_tables(feb_march(mds_a, mediator_id=me.pk)), "mediation/chiffres"))
    assert rows["Accompagnements"] == "6"


def test_demarches_by_kind_of_help(mds_a: MDS) -> None:
    from accompagnement.models import KindOfHelp
    from tests.accompagnement.factories import DemarcheFactory
    from tests.pilotage.conftest import make_session

    email = KindOfHelp.objects.get(code="creation_email")
    for _ in range(7):
        session = make_session(mds_a, dt.date(2026, 3, 3), (ModeOfHelp.FAIRE_AVEC,))
        DemarcheFactory(session=session, kind_of_help=email, position=1)
    rows = dict(read(mediation_tables(feb_march(mds_a)), "mediation/aides"))
    assert rows == {"Démarche administrative en ligne": "7", "Création d'une adresse e-mail": "7"}
