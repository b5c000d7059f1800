"""Orientation indicators on a hand-computed fixture: referrals of MDS A and B sent in March 2026,
looked at on Wednesday 15 April 2026 (Easter Monday, 6 April, is a public holiday).

MDS A, March (15 referrals): 6 accepted, 2 declined, 1 expired, 5 still sent on 30 March, and
1 restricted (information préoccupante) still sent, sent on 1 March at 00:30 in Paris.
MDS A's alert delay is set to 8 working days; MDS B keeps the default (5).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mds.models import MDS, User
from mds.roles import Role
from orientations.models import (
    DeclineReason,
    Need,
    ReasonCategory,
    Referral,
    ReferralEvent,
    ReferralSettings,
    State,
    TargetKind,
)
from orientations.services import share_consent_text
from pilotage.forms import Filters
from pilotage.selectors.orientations import RESTRICTED_LABEL, orientation_tables
from tests.factories import UserFactory
from tests.pilotage.conftest import UTC, local
from tests.pilotage.test_accueil import read
from tests.pilotage.test_exports import read_csv

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 4, 15, 10, 0, tzinfo=UTC)
MARCH = {"periode": "personnalisee", "du": "2026-03-01", "au": "2026-03-31"}
SEEN = "Délai médian jusqu'à la lecture (heures)"
ACCEPTED = "Délai médian jusqu'à l'acceptation (heures)"
PROTECTION = "Information préoccupante / protection de l'enfance"


def referral(
    mds: MDS,
    sent: dt.datetime,
    person: User,
    *,
    state: str = State.SENT,
    events: tuple[tuple[str, float], ...] = (),
    reason: str = "acces_droits",
    needs: tuple[str, ...] = (),
    restricted: bool = False,
) -> Referral:
    """A referral and its history: ``events`` are (state reached, hours after sending)."""
    fields: dict[str, Any] = {}
    if state in (State.ACCEPTED, State.CLOSED):
        fields = {"appointment_at": sent + dt.timedelta(days=3), "recipient": person}
    if state == State.DECLINED:
        fields = {"decline_reason": DeclineReason.objects.get(code="hors_competence")}
    if restricted:
        fields.update(recipient=person, target_kind=TargetKind.USER, target_role="")
    else:
        fields.update(consent_given_at=sent, consent_witnessed_by=person)
    fields.setdefault("target_kind", TargetKind.ROLE)
    fields.setdefault("target_role", "" if restricted else Role.TRAVAILLEUR_SOCIAL)
    made = Referral.objects.create(
        mds=mds,
        sender=person,
        sender_role=Role.ACCUEIL,
        pseudonym="Samira",
        note="Note confidentielle à ne jamais montrer",
        reason_category=ReasonCategory.objects.get(code=reason),
        consent_text=share_consent_text()[1],
        restricted=restricted,
        state=state,
        sent_at=sent,
        **fields,
    )
    made.needs.set(Need.objects.filter(code__in=needs))
    previous = State.SENT
    for to_state, hours in events:
        ReferralEvent.objects.create(
            referral=made,
            from_state=previous,
            to_state=to_state,
            at=sent + dt.timedelta(hours=hours),
        )
        previous = to_state
    return made


@pytest.fixture
def march(mds_a: MDS, mds_b: MDS) -> None:
    person = UserFactory(first_name="Agathe", last_name="Nominative")
    ReferralSettings.objects.create(
        mds=mds_a, remind_after_days=2, escalate_after_days=8, expire_after_days=10
    )
    monday = local(2026, 3, 2, 9)
    # 6 accepted: read after 1..6 h, accepted after 20, 22 … 30 h
    for i in range(6):
        referral(
            mds_a,
            monday,
            person,
            state=State.ACCEPTED,
            events=((State.SEEN, 1 + i), (State.ACCEPTED, 20 + 2 * i)),
            needs=("langue",),
        )
    # 2 declined after 10 h (an answer is a reading), 1 expired (no reading)
    for _ in range(2):
        referral(
            mds_a,
            monday,
            person,
            state=State.DECLINED,
            events=((State.DECLINED, 10),),
            reason="logement",
        )
    referral(
        mds_a, monday, person, state=State.EXPIRED, events=((State.EXPIRED, 300),), reason="budget"
    )
    # 5 still sent on Monday 30 March
    for _ in range(5):
        referral(
            mds_a,
            local(2026, 3, 30, 9),
            person,
            reason="evaluation_sociale",
            needs=("sans_equipement",),
        )
    # 28 Feb 23:30 UTC is 1 March 00:30 in Paris: in March; restricted, never broken down
    referral(
        mds_a,
        dt.datetime(2026, 2, 28, 23, 30, tzinfo=UTC),
        person,
        reason="protection_enfance",
        needs=("enfant_a_charge",),
        restricted=True,
    )
    # 31 March 22:30 UTC is 1 April 00:30 in Paris: not in March, but waiting since 1 April
    referral(mds_a, dt.datetime(2026, 3, 31, 22, 30, tzinfo=UTC), person)
    # Tuesday 7 April: 5 working days by 15 April (8, 9, 10, 13, 14), fewer than A's 8
    for _ in range(3):
        referral(mds_a, local(2026, 4, 7, 9), person)
    # MDS B: 3 accepted in March; 5 still sent on 7 April (over B's default 5 days); 1 seen
    # on 14 April (not yet)
    for _ in range(3):
        referral(
            mds_b,
            monday,
            person,
            state=State.ACCEPTED,
            events=((State.SEEN, 1), (State.ACCEPTED, 2)),
        )
    for _ in range(5):
        referral(mds_b, local(2026, 4, 7, 9), person)
    referral(mds_b, local(2026, 4, 14, 9), person, state=State.SEEN, events=((State.SEEN, 1),))


def tables_of(*sites: MDS) -> list[Any]:
    return orientation_tables(
        Filters(start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31), sites=sites)
    )


@time_machine.travel(TODAY, tick=False)
def test_states_of_the_referrals_sent_in_march(march: None, mds_a: MDS) -> None:
    states = read(tables_of(mds_a), "orientations/etats")
    # 15 referrals: 6 sent (5 on 30 March + the restricted one), 6 accepted, 2 declined,
    # 1 expired; the two small counts are masked, so no other cell needs to be
    assert states == [
        ["Envoyée", "6", "40,0"],
        ["Vue", "0", "0,0"],
        ["Acceptée", "6", "40,0"],
        ["Refusée", "< 5", "—"],
        ["Clôturée", "0", "0,0"],
        ["Expirée", "< 5", "—"],
    ]


@time_machine.travel(TODAY, tick=False)
def test_median_delays_to_reading_and_to_acceptance(march: None, mds_a: MDS) -> None:
    delays = dict(read(tables_of(mds_a), "orientations/delais"))
    # readings after 1, 2, 3, 4, 5, 6, 10, 10 h (the expiry is no reading): (4 + 5) / 2
    assert delays[SEEN] == "4,5"
    # acceptances after 20, 22, 24, 26, 28, 30 h: (24 + 26) / 2
    assert delays[ACCEPTED] == "25,0"


@time_machine.travel(TODAY, tick=False)
def test_no_median_over_fewer_than_five_referrals(march: None, mds_b: MDS) -> None:
    delays = dict(read(tables_of(mds_b), "orientations/delais"))
    assert delays[SEEN] == "—"  # 3 readings
    assert delays[ACCEPTED] == "—"  # 3 acceptances


@time_machine.travel(TODAY, tick=False)
def test_pending_over_each_mds_alert_delay_in_working_days(
    march: None, mds_a: MDS, mds_b: MDS
) -> None:
    # A (8 working days): cutoff 2 April 00:00 (14, 13, 10, 9, 8, 7, 3, 2 April; Easter Monday
    # off) -> 5 of 30 March + the restricted one + 1 April 00:30 = 7; not the 3 of 7 April
    assert read(tables_of(mds_a), "orientations/delais")[2] == [
        "En attente depuis plus de 8 jours ouvrés (aujourd'hui)",
        "7",
    ]
    # B (default 5): the 5 of 7 April, not the one seen on 14 April, nor the accepted ones
    assert read(tables_of(mds_b), "orientations/delais")[2] == [
        "En attente depuis plus de 5 jours ouvrés (aujourd'hui)",
        "5",
    ]
    assert read(tables_of(mds_a, mds_b), "orientations/delais")[2] == [
        "En attente au-delà du délai d'alerte de chaque MDS (aujourd'hui)",
        "12",
    ]


@time_machine.travel(TODAY, tick=False)
def test_mds_side_by_side_mask_across_the_mds(march: None, mds_a: MDS, mds_b: MDS) -> None:
    assert tables_of(mds_a)[0].slug == "orientations/etats"  # one MDS: no comparison
    rows = read(tables_of(mds_a, mds_b), "orientations/comparaison")
    assert rows == [
        # 15 and 3 referrals: B's 3 is masked, so A's 15 is too (no recomputing from the
        # department's total); same for the accepted (6 and 3), hence no share for A either
        ["MDS A (Malpassé)", "masqué", "—", "—", "—", "4,5", "25,0", "7"],
        # 3 referrals: no share, no median; 5 waiting past B's default 5 working days
        ["MDS B (Marignane)", "< 5", "—", "—", "—", "—", "—", "5"],
    ]


@time_machine.travel(TODAY, tick=False)
def test_reasons_and_needs_never_detail_a_restricted_referral(march: None, mds_a: MDS) -> None:
    tables = tables_of(mds_a)
    reasons = dict(read(tables, "orientations/motifs"))
    assert reasons["Accès aux droits (RSA, CSS, prime d'activité…)"] == "6"
    assert reasons["Évaluation sociale"] == "5"
    assert reasons["Logement, hébergement"] == "< 5"  # 2
    assert reasons["Budget, dettes, énergie"] == "< 5"  # 1
    assert reasons[PROTECTION] == "0"  # the restricted one is not shown under its reason
    assert reasons[RESTRICTED_LABEL] == "< 5"  # 1
    needs = dict(read(tables, "orientations/besoins"))
    assert needs["A besoin d'un interprète ou d'une autre langue"] == "6"
    assert needs["Enfant(s) à charge"] == "0"  # only the restricted referral signals it
    assert needs[RESTRICTED_LABEL] == "< 5"
    # alone masked in its column: the smallest other count is masked too
    assert needs["Pas d'ordinateur ni de smartphone"] == "masqué"  # 5


@time_machine.travel(TODAY, tick=False)
def test_page_shows_figures_without_names_or_notes(
    march: None, mds_a: MDS, client_as: Callable[..., Client]
) -> None:
    page = client_as(Role.DIRECTION, mds_a).get(reverse("pilotage:orientations"), MARCH)
    html = page.content.decode()
    assert page.status_code == 200
    assert "Orientations par état" in html and "<svg" in html
    assert "25,0" in html
    for secret in ("Samira", "Nominative", "Agathe", "Note confidentielle"):
        assert secret not in html


@time_machine.travel(TODAY, tick=False)
def test_direction_of_a_cannot_read_b_referrals_by_editing_the_url(
    march: None, mds_a: MDS, mds_b: MDS, client_as: Callable[..., Client]
) -> None:
    client = client_as(Role.DIRECTION, mds_a)
    query = {**MARCH, "mds": mds_b.pk}
    page = client.get(reverse("pilotage:orientations"), query)
    assert mds_b.name not in page.content.decode()
    url = reverse(
        "pilotage:export", kwargs={"section": "orientations", "name": "delais", "fmt": "csv"}
    )
    rows = read_csv(client.get(url, query))
    # MDS B is out of the director's reach: A's figures (B has no median and 5 waiting)
    assert rows == [
        ["Indicateur", "Valeur"],
        [SEEN, "4.5"],
        [ACCEPTED, "25.0"],
        ["En attente depuis plus de 8 jours ouvrés (aujourd'hui)", "7"],
    ]


@time_machine.travel(TODAY, tick=False)
def test_exports_hold_the_protected_cells(
    march: None, mds_a: MDS, client_as: Callable[..., Client]
) -> None:
    client = client_as(Role.DIRECTION, mds_a)
    url = reverse(
        "pilotage:export", kwargs={"section": "orientations", "name": "etats", "fmt": "csv"}
    )
    rows = read_csv(client.get(url, MARCH))
    assert rows[0] == ["État", "Orientations", "Part (%)"]
    assert rows[4] == ["Refusée", "< 5", ""]
    assert rows[1] == ["Envoyée", "6", "40.0"]


def add_referrals(sites: list[MDS], scale: int, person: User) -> None:
    for site in sites:
        for i in range(scale):
            referral(
                site,
                local(2026, 4, 1 + i % 10, 9),
                person,
                state=State.ACCEPTED,
                events=((State.SEEN, 1 + i), (State.ACCEPTED, 5 + i)),
                needs=("langue", "handicap"),
            )
            referral(site, local(2026, 4, 1 + i % 10, 9), person, restricted=True)


@pytest.mark.parametrize("role", [Role.DIRECTION, Role.DIRECTION_DEPARTEMENTALE])
@time_machine.travel(TODAY, tick=False)
def test_query_count_does_not_grow_with_the_referrals(
    role: str, mds_a: MDS, mds_b: MDS, member: Callable[..., User]
) -> None:
    user = member(role, mds_a)
    ReferralSettings.objects.create(
        mds=mds_b, remind_after_days=2, escalate_after_days=7, expire_after_days=10
    )
    client = Client()
    client.force_login(user)
    urls = [
        reverse("pilotage:orientations"),
        reverse(
            "pilotage:export",
            kwargs={"section": "orientations", "name": "besoins", "fmt": "xlsx"},
        ),
    ]
    client.get(urls[0])  # the first request of a session also writes the session
    counts: list[list[int]] = []
    for scale in (2, 12):
        add_referrals([mds_a, mds_b], scale, user)
        sizes = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
                if response.streaming:
                    b"".join(response.streaming_content)
            assert response.status_code == 200
            sizes.append(len(queries))
        counts.append(sizes)
    assert counts[0] == counts[1], counts
