"""Who sees what: a director of MDS A never sees MDS B by editing the URL; departmental roles
compare MDS side by side; a mediator sees only their own figures; filters live in the URL;
query counts do not grow with the data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accompagnement.models import ModeOfHelp
from mds.models import MDS, User
from mds.roles import Role
from tests.factories import MDSFactory
from tests.pilotage.conftest import local, make_passage, make_session
from tests.pilotage.test_exports import read_csv

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 4, 15, 10, 0, tzinfo=dt.UTC)


def seven_in_b_three_in_a(mds_a: MDS, mds_b: MDS) -> None:
    for _ in range(7):
        make_passage(mds_b, local(2026, 3, 16, 9), wait_minutes=5)
    for _ in range(3):
        make_passage(mds_a, local(2026, 3, 17, 9), wait_minutes=5)


@time_machine.travel(TODAY, tick=False)
def test_direction_of_a_cannot_read_b_by_editing_the_url(
    mds_a: MDS, mds_b: MDS, client_as: Callable[..., Client]
) -> None:
    seven_in_b_three_in_a(mds_a, mds_b)
    client = client_as(Role.DIRECTION, mds_a)
    page = client.get(reverse("pilotage:accueil"), {"periode": "mois-dernier", "mds": mds_b.pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert mds_b.name not in html
    assert "17/03/2026" in html and "16/03/2026" not in html
    url = reverse(
        "pilotage:export", kwargs={"section": "accueil", "name": "passages-par-jour", "fmt": "csv"}
    )
    rows = read_csv(client.get(url, {"periode": "mois-dernier", "mds": mds_b.pk}))
    assert rows == [["Jour", "Passages"], ["2026-03-17", "< 5"]]
    coop = client.get(reverse("pilotage:coop_export", kwargs={"fmt": "csv"}), {"mds": mds_b.pk})
    assert mds_b.name not in b"".join(coop.streaming_content).decode()


@time_machine.travel(TODAY, tick=False)
def test_director_of_two_mds_picking_a_third_gets_an_error_and_a_400_export(
    mds_a: MDS, mds_b: MDS, member: Callable[..., User]
) -> None:
    from mds.services import grant_membership

    seven_in_b_three_in_a(mds_a, mds_b)
    mds_c = MDSFactory(code="mds-c", name="MDS C (Vitrolles)")
    user = member(Role.DIRECTION, mds_a)
    grant_membership(user=user, role=Role.DIRECTION, mds=mds_c)
    client = Client()
    client.force_login(user)
    page = client.get(reverse("pilotage:home"), {"mds": mds_b.pk})
    html = page.content.decode()
    assert "Sélectionnez un choix valide" in html
    assert mds_b.name not in html
    assert "MDS C (Vitrolles)" in html  # the comparison of its own two MDS
    url = reverse(
        "pilotage:export", kwargs={"section": "ensemble", "name": "comparaison", "fmt": "csv"}
    )
    assert client.get(url, {"mds": mds_b.pk}).status_code == 400
    rows = read_csv(client.get(url, {"periode": "mois-dernier"}))
    assert [r[0] for r in rows[1:]] == ["MDS A (Malpassé)", "MDS C (Vitrolles)"]


@time_machine.travel(TODAY, tick=False)
def test_departmental_direction_compares_every_mds_side_by_side(
    mds_a: MDS, mds_b: MDS, client_as: Callable[..., Client]
) -> None:
    seven_in_b_three_in_a(mds_a, mds_b)
    client = client_as(Role.DIRECTION_DEPARTEMENTALE)
    url = reverse(
        "pilotage:export", kwargs={"section": "ensemble", "name": "comparaison", "fmt": "csv"}
    )
    rows = read_csv(client.get(url, {"periode": "mois-dernier"}))
    by_mds = {r[0]: r[1:] for r in rows[1:]}
    # B: 7 passages waited 5 min; A: 3 passages, masked, and no waiting statistic on 3 people;
    # B's 7 is masked too, else the Département's total (10) would give A's 3 away
    assert by_mds["MDS B (Marignane)"][:3] == ["masqué", "5.0", "5.0"]
    assert by_mds["MDS A (Malpassé)"][:3] == ["< 5", "", ""]
    only_b = read_csv(client.get(url, {"periode": "mois-dernier", "mds": [mds_b.pk]}))
    assert [r[0] for r in only_b[1:]] == ["MDS B (Marignane)"]


@time_machine.travel(TODAY, tick=False)
def test_a_mediator_sees_their_own_figures_only(mds_a: MDS, member: Callable[..., User]) -> None:
    me, colleague = member(Role.MEDIATEUR, mds_a), member(Role.MEDIATEUR, mds_a)
    for _ in range(6):
        make_session(mds_a, dt.date(2026, 4, 2), (ModeOfHelp.FAIRE_AVEC,), mediator=me)
    for _ in range(9):
        make_session(mds_a, dt.date(2026, 4, 3), (ModeOfHelp.FAIRE_POUR,), mediator=colleague)
    client = Client()
    client.force_login(me)
    html = client.get(reverse("pilotage:my_activity")).content.decode()
    assert '<td class="text-end">6</td>' in html
    assert '<td class="text-end">9</td>' not in html
    assert client.get(reverse("pilotage:mediation")).status_code == 403


def test_a_bad_custom_period_is_explained_in_french(client_as: Callable[..., Client]) -> None:
    client = client_as(Role.DIRECTION)
    response = client.get(
        reverse("pilotage:accueil"), {"periode": "personnalisee", "du": "2026-03-31"}
    )
    assert response.status_code == 200
    assert "Une période personnalisée demande une date de début et une date de fin." in (
        response.content.decode()
    )
    garbage = client.get(reverse("pilotage:accueil"), {"du": "hier", "periode": "x"})
    assert garbage.status_code == 200
    assert "Saisissez une date valide." in garbage.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_the_month_bilan_prints_one_mds(
    mds_a: MDS, mds_b: MDS, client_as: Callable[..., Client]
) -> None:
    seven_in_b_three_in_a(mds_a, mds_b)
    client = client_as(Role.DIRECTION_DEPARTEMENTALE)
    html = client.get(reverse("pilotage:bilan"), {"mds": mds_b.pk, "mois": "2026-03"}).content
    text = html.decode()
    assert "Bilan d'activité — MDS B (Marignane)" in text
    assert "Mars 2026" in text
    assert "css/pilotage.css" in text
    bad = client.get(reverse("pilotage:bilan"), {"mois": "2026-13"}).content.decode()
    assert "Indiquez un mois au format AAAA-MM." in bad


PAGES = (
    ("pilotage:home", Role.DIRECTION_DEPARTEMENTALE),
    ("pilotage:accueil", Role.DIRECTION_DEPARTEMENTALE),
    ("pilotage:mediation", Role.DIRECTION_DEPARTEMENTALE),
    ("pilotage:publics", Role.DIRECTION),
    ("pilotage:orientations", Role.DIRECTION_DEPARTEMENTALE),
    ("pilotage:rgpd", Role.DPO),
    ("pilotage:bilan", Role.DIRECTION),
    ("pilotage:my_activity", Role.MEDIATEUR),
)


def add_activity(sites: list[MDS], scale: int, mediator: User) -> None:
    from accompagnement.models import Usager

    for site in sites:
        for i in range(scale):
            make_passage(site, local(2026, 4, 1 + i % 10, 8 + i % 9), wait_minutes=i % 20)
            person = Usager.objects.create(mds=site, age_band="25_39", gender="femme")
            for day in (1, 8):
                make_session(
                    site,
                    dt.date(2026, 4, day + i % 5),
                    (ModeOfHelp.FAIRE_AVEC,),
                    usager=person,
                    mediator=mediator,
                )


@pytest.mark.parametrize(("name", "role"), PAGES)
@time_machine.travel(TODAY, tick=False)
def test_query_count_does_not_grow_with_the_data(
    name: str, role: str, mds_a: MDS, mds_b: MDS, member: Callable[..., User]
) -> None:
    user = member(role, mds_a)
    client = Client()
    client.force_login(user)
    url = reverse(name)
    client.get(url)  # the first request of a session also writes the session
    counts = []
    for scale in (2, 12):
        add_activity([mds_a, mds_b], scale, user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


EXPORTS = (
    ("pilotage:coop_export", {"fmt": "csv"}),
    ("pilotage:coop_export", {"fmt": "xlsx"}),
    ("pilotage:export", {"section": "accueil", "name": "heures", "fmt": "xlsx"}),
    ("pilotage:export", {"section": "ensemble", "name": "comparaison", "fmt": "csv"}),
    ("pilotage:export", {"section": "orientations", "name": "delais", "fmt": "csv"}),
)


@pytest.mark.parametrize(("name", "kwargs"), EXPORTS)
@time_machine.travel(TODAY, tick=False)
def test_export_query_count_does_not_grow_with_the_data(
    name: str, kwargs: dict[str, str], mds_a: MDS, mds_b: MDS, member: Callable[..., User]
) -> None:
    user = member(Role.DIRECTION_DEPARTEMENTALE)
    client = Client()
    client.force_login(user)
    url = reverse(name, kwargs=kwargs)
    client.get(url)
    counts = []
    for scale in (2, 12):
        add_activity([mds_a, mds_b], scale, user)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
