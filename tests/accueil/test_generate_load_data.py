"""``generate_load_data``: a tiny history must already look like the real thing."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accueil import services
from accueil.models import DailyTicketCounter, Passage, PassageEvent, Status
from bench.loaddata import DEFAULT_OPENING, GENERATOR_EMAIL, Options, generate
from mds.models import MDS, User
from mds.roles import Role
from tests.accueil.factories import motive

pytestmark = pytest.mark.django_db

TINY = ("--mds", "2", "--days", "14", "--per-day", "5", "--seed", "7")


def generated() -> list[Passage]:
    return list(Passage.objects.filter(created_by__email=GENERATOR_EMAIL))


def assert_consistent(passages: list[Passage]) -> None:
    by_day: dict[tuple[int, dt.date], list[int]] = defaultdict(list)
    for p in passages:
        by_day[(p.mds_id, p.day)].append(p.ticket_number)
        assert timezone.localdate(p.arrived_at) == p.day
        assert p.day < timezone.localdate()  # history only: today is left to real check-ins
        if p.called_at:
            assert p.called_at >= p.arrived_at
        if p.started_at:
            assert p.called_at and p.started_at >= p.called_at
        assert p.ended_at is not None and p.ended_at >= p.arrived_at
        if p.status in (Status.DONE, Status.REORIENTED):
            assert p.started_at and p.ended_at >= p.started_at
        if p.status in (Status.LEFT, Status.CANCELLED):
            assert p.started_at is None
        assert (p.status == Status.CANCELLED) == bool(p.cancel_reason)
        assert (p.status == Status.REORIENTED) == bool(p.partner)
    for numbers in by_day.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))
    counters = {
        (c.mds_id, c.day): c.last_number
        for c in DailyTicketCounter.objects.filter(mds__passages__in=passages).distinct()
    }
    assert counters == {key: max(numbers) for key, numbers in by_day.items()}


def test_tiny_history_is_consistent_and_peaks_at_morning_opening() -> None:
    call_command("generate_load_data", *TINY)
    passages = generated()
    sites = MDS.objects.filter(code__in=["malpasse", "marignane"])
    assert sites.count() == 2
    opening_slots = 5 * len(DEFAULT_OPENING)  # Monday to Friday
    assert all(site.opening_periods.count() == opening_slots for site in sites)
    # 10 open days (or 9 with a public holiday) x 2 MDS x ~5
    assert 60 <= len(passages) <= 140
    assert_consistent(passages)
    assert not PassageEvent.objects.exists()  # no events for history unless asked
    local = [timezone.localtime(p.arrived_at).time() for p in passages]
    hours = Counter(t.hour for t in local)
    assert hours.most_common(1)[0][0] in (8, 9, 10)  # morning opening
    # The 8:30-10:00 rush gets far more arrivals per minute than the rest of the day (~7 h).
    rush = sum(dt.time(8, 30) <= t < dt.time(10) for t in local)
    assert rush / 90 > 1.5 * (len(local) - rush) / (7 * 60)
    statuses = Counter(p.status for p in passages)
    assert statuses[Status.DONE] > len(passages) / 2
    assert set(statuses) <= {Status.DONE, Status.LEFT, Status.REORIENTED, Status.CANCELLED}
    generator = User.objects.get(email=GENERATOR_EMAIL)
    assert not generator.is_active and not generator.has_usable_password()


def test_rerun_skips_days_already_there() -> None:
    call_command("generate_load_data", *TINY)
    before = len(generated())
    call_command("generate_load_data", *TINY)
    assert len(generated()) == before


def test_truncate_removes_only_generated_rows(member: Callable[..., User]) -> None:
    call_command("generate_load_data", *TINY)
    count = len(generated())
    site = MDS.objects.get(code="malpasse")
    agent = member(Role.ACCUEIL, site)
    real = services.check_in(
        mds=site, agent=agent, motive=motive("information"), client_token=uuid.uuid4()
    ).passage
    call_command("generate_load_data", *TINY, "--truncate", "--per-day", "0")
    assert generated() == []
    assert list(Passage.objects.all()) == [real]
    assert list(DailyTicketCounter.objects.values_list("mds_id", "day")) == [(site.pk, real.day)]
    # Same seed, same history again; the real passage is still there.
    call_command("generate_load_data", *TINY, "--truncate")
    assert len(generated()) == count
    assert Passage.objects.filter(pk=real.pk).exists()


@pytest.mark.parametrize("use_copy", [True, False], ids=["copy", "bulk_create"])
def test_with_events_writes_each_status_change(use_copy: bool) -> None:
    if use_copy and connection.vendor != "postgresql":
        pytest.skip("COPY needs PostgreSQL")
    report = generate(
        Options(mds=1, days=7, per_day=4, with_events=True, use_copy=use_copy),
        progress=lambda line: None,
    )
    passages = generated()
    assert report.passages == len(passages) > 0
    assert_consistent(passages)
    expected = sum(1 + (p.called_at is not None) + (p.started_at is not None) + 1 for p in passages)
    assert report.events == PassageEvent.objects.count() == expected
    first = PassageEvent.objects.filter(passage=passages[0]).order_by("at").first()
    assert first is not None and first.to_status == Status.WAITING
    assert first.at == passages[0].arrived_at


def test_french_public_holidays_are_closed_days() -> None:
    """May 2025: 1st, 8th and 29th (Ascension) are public holidays in France; nobody comes."""
    with time_machine.travel(dt.datetime(2025, 6, 2, 12, tzinfo=dt.UTC), tick=False):
        call_command("generate_load_data", "--mds", "1", "--days", "40", "--per-day", "3")
    days = {p.day for p in generated()}
    assert days, "some open days were generated"
    closed = {dt.date(2025, 5, 1), dt.date(2025, 5, 8), dt.date(2025, 5, 29)}
    assert not days & closed
    assert dt.date(2025, 5, 2) in days or dt.date(2025, 5, 5) in days
