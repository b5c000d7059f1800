"""Department-scale accueil history for benchmarks and pilotage (``generate_load_data``).

What it makes, per MDS and per open day (weekdays of the MDS's opening hours, French public
holidays excepted), over the past days only (today is left to real check-ins):

- passages whose count follows the MDS's size, the weekday, the month and a slow yearly growth;
  arrival times peak at opening (8:30-10:00, 13:30-14:30), fewer on Wednesday and Friday
  afternoons, a few people wait at the door before opening (flagged outside opening hours);
- a realistic mix of motives, ~10 % priority, languages, aliases, appointments;
- statuses mostly done, some left without being seen, a few re-oriented or cancelled, with
  timestamps that respect the model's constraints (called >= arrived, ended >= arrived...);
- consecutive ticket numbers from 1 per MDS and day, and the matching ``DailyTicketCounter``.

Every generated passage has ``created_by`` = the inactive system user ``GENERATOR_EMAIL``: no
schema change, and ``truncate`` removes exactly those rows. No ``PassageEvent`` is written unless
asked (``with_events``): history needs none and they would quadruple the volume.

PostgreSQL gets the rows through ``COPY`` from an in-memory buffer, other databases through
``bulk_create``. Each batch (whole days only) is one transaction with its counters, and days that
already have a counter or a passage are skipped, so an interrupted run is resumed by running it
again.
"""

from __future__ import annotations

import bisect
import datetime as dt
import io
import math
import os
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, deletion

from accueil.models import DailyTicketCounter, Language, Motive, Passage, PassageEvent, Status
from mds.models import MDS, OpeningPeriod, User

GENERATOR_EMAIL = "generateur@mds.local"

#: The 22 MDS of the generated Département (code, name). The first two are the demo sites.
SITES: tuple[tuple[str, str], ...] = (
    ("malpasse", "MDS Vallon de Malpassé"),
    ("marignane", "MDS Marignane"),
    ("vitrolles", "MDS Vitrolles"),
    ("romain-rolland", "MDS Romain Rolland"),
    ("salon", "MDS Salon-de-Provence"),
    ("belle-de-mai", "MDS Belle de Mai"),
    ("chartreux", "MDS Chartreux"),
    ("saint-sebastien", "MDS Saint-Sébastien"),
    ("saint-marcel", "MDS Saint-Marcel"),
    ("littoral", "MDS Littoral Saint-Louis"),
    ("flammarion", "MDS Flammarion"),
    ("pont-de-vivaux", "MDS Pont de Vivaux"),
    ("aix-nord", "MDS Aix-en-Provence Nord"),
    ("aix-sud", "MDS Aix-en-Provence Sud"),
    ("arles", "MDS Arles"),
    ("aubagne", "MDS Aubagne"),
    ("la-ciotat", "MDS La Ciotat"),
    ("istres", "MDS Istres"),
    ("martigues", "MDS Martigues"),
    ("gardanne", "MDS Gardanne"),
    ("miramas", "MDS Miramas"),
    ("tarascon", "MDS Tarascon"),
)

#: Mon-Fri 8:30-12:30 and 13:30-17:00, for the MDS this module creates.
DEFAULT_OPENING = ((dt.time(8, 30), dt.time(12, 30)), (dt.time(13, 30), dt.time(17, 0)))

#: Motive code -> (share of passages, median service minutes, share with an appointment).
MOTIVE_MIX: dict[str, tuple[float, float, float]] = {
    "rdv-social": (0.24, 30.0, 0.85),
    "mediation": (0.30, 25.0, 0.15),
    "information": (0.20, 6.0, 0.02),
    "depot": (0.13, 4.0, 0.02),
    "pmi": (0.08, 20.0, 0.55),
    "autre": (0.05, 8.0, 0.05),
}
PRIORITY_MIX = (("handicap", 0.03), ("grossesse", 0.02), ("nourrisson", 0.025), ("age", 0.02))
PRIORITY_MIX_DISTRESS = ("detresse", 0.005)
LANGUAGE_MIX = (
    ("ar", 0.09),
    ("en", 0.02),
    ("es", 0.01),
    ("tr", 0.01),
    ("ro", 0.01),
    ("ru", 0.005),
    ("uk", 0.01),
    ("km", 0.01),
    ("lsf", 0.002),
)
ALIASES = (
    "Fatima", "Karim", "Nadia", "Mohamed", "Sarah", "Yasmine", "Kevin", "Inès", "Marie", "Rachid",
    "Sofia", "Lucas", "Amina", "Jean", "Leïla", "Nicolas", "Samir", "Julie", "Hakim", "Chloé",
)  # fmt: skip
PARTNERS = ("CAF", "CPAM", "France Travail", "CCAS", "Point Justice", "Mission locale", "CARSAT")
CANCEL_REASONS = ("Erreur de saisie", "Doublon", "Mauvais motif, ressaisi")
#: Weekday (0 = Monday) and month factors of daily attendance (normalised over the calendar).
WEEKDAY_FACTOR = (1.25, 1.05, 0.85, 1.0, 0.85, 0.3, 0.2)
MONTH_FACTOR = (1.1, 1.0, 1.05, 1.0, 0.95, 1.0, 0.85, 0.65, 1.2, 1.1, 1.05, 0.85)
YEARLY_GROWTH = 0.03
SLOT = 300  # arrival times are drawn per 5-minute slot, then uniformly inside it
EARLY_WINDOW = 15 * 60  # people waiting at the door before opening
EARLY_WEIGHT = 0.25

PASSAGE_COLUMNS = (
    "mds_id", "day", "ticket_number", "arrived_at", "motive_id", "alias", "has_appointment",
    "priority", "language_id", "oriented_to", "status", "desk", "called_at", "started_at",
    "ended_at", "partner", "cancel_reason", "outside_opening_hours", "client_token",
)  # fmt: skip
# Plain strings: enum members would format differently across Python versions in COPY lines.
DONE, LEFT, REORIENTED, CANCELLED = (
    str(s.value) for s in (Status.DONE, Status.LEFT, Status.REORIENTED, Status.CANCELLED)
)
#: One generated passage, in ``PASSAGE_COLUMNS`` order (plain tuples: millions of them).
Row = tuple[Any, ...]


@dataclass(frozen=True)
class Options:
    mds: int = 22
    years: float = 5.0
    days: int | None = None  # overrides years (tests and quick runs)
    per_day: float = 110.0
    total: int | None = None  # target passage count: overrides per_day
    seed: int = 13
    batch: int = 50_000
    truncate: bool = False
    with_events: bool = False
    today: dt.date | None = None
    use_copy: bool | None = None  # None: COPY on PostgreSQL, bulk_create elsewhere


@dataclass
class Report:
    passages: int = 0
    counters: int = 0
    events: int = 0
    days_skipped: int = 0
    deleted: int = 0
    per_day: float = 0.0
    seconds: float = 0.0
    backend: str = ""
    mds_created: list[str] = field(default_factory=list)


# --- calendar -----------------------------------------------------------------------------


def public_holidays(years: Iterable[int]) -> set[dt.date]:
    """France's public holidays (metropolitan) in ``years``, from the ``holidays`` package."""
    return set(holidays.France(years=list(years)).keys())


def calendar_days(options: Options, today: dt.date) -> list[dt.date]:
    """Every past calendar day of the period, oldest first (today excluded)."""
    span = options.days if options.days is not None else round(options.years * 365.25)
    return [today - dt.timedelta(days=n) for n in range(span, 0, -1)]


# --- sites and reference data -------------------------------------------------------------


def generator_user() -> User:
    """The inactive system user that tags generated rows (it can never log in)."""
    user = User.objects.filter(email=GENERATOR_EMAIL).first()
    if user is None:
        user = User.objects.create_user(
            GENERATOR_EMAIL, None, first_name="Générateur", last_name="de charge", is_active=False
        )
    return user


def ensure_sites(count: int) -> tuple[list[MDS], list[str]]:
    """The first ``count`` sites of ``SITES``, created with the default opening hours if missing."""
    if not 1 <= count <= len(SITES):
        raise ValueError(f"--mds va de 1 à {len(SITES)}.")
    sites: list[MDS] = []
    created: list[str] = []
    for code, name in SITES[:count]:
        mds = MDS.objects.filter(code=code).first() or MDS.objects.filter(name=name).first()
        if mds is None:
            mds = MDS.objects.create(code=code, name=name, address="Bouches-du-Rhône")
            created.append(name)
        if not mds.opening_periods.exists():
            OpeningPeriod.objects.bulk_create(
                OpeningPeriod(mds=mds, weekday=day, opens_at=start, closes_at=end)
                for day in range(5)
                for start, end in DEFAULT_OPENING
            )
        sites.append(mds)
    return sites, created


def _cumulative(pairs: Sequence[tuple[Any, float]]) -> tuple[list[Any], list[float]]:
    values, cum, total = [], [], 0.0
    for value, weight in pairs:
        total += weight
        values.append(value)
        cum.append(total)
    return values, cum


@dataclass(frozen=True)
class DayProfile:
    """Arrival slots of one weekday at one MDS: start second, cumulative weight, outside hours."""

    starts: list[int]
    cum: list[float]
    outside: list[bool]
    weight: float  # total weight of the day: Wednesday/Friday afternoons make it lighter


def _slot_weight(
    weekday: int,
    period_index: int,
    minutes_open: float,
    minutes_left: float,
) -> float:
    if period_index == 0:
        # Morning rush: people come at opening, tail off towards lunch.
        weight = 3.0 if minutes_open < 90 else max(1.0, 3.0 - (minutes_open - 90) / 45)
    else:
        weight = 2.0 if minutes_open < 60 else 1.0
    if minutes_left <= 30:
        weight *= 0.5
    if period_index > 0 and weekday == 2:
        weight *= 0.45  # Wednesday afternoon: school's out, fewer visits
    if period_index > 0 and weekday == 4:
        weight *= 0.6
    return weight


def day_profiles(mds: MDS) -> dict[int, DayProfile]:
    periods: dict[int, list[tuple[int, int]]] = {}
    for period in mds.opening_periods.all().order_by("weekday", "opens_at"):
        start = period.opens_at.hour * 3600 + period.opens_at.minute * 60
        end = period.closes_at.hour * 3600 + period.closes_at.minute * 60
        periods.setdefault(period.weekday, []).append((start, end))
    profiles: dict[int, DayProfile] = {}
    for weekday, spans in periods.items():
        slots: list[tuple[tuple[int, bool], float]] = []
        first = spans[0][0]
        for second in range(max(0, first - EARLY_WINDOW), first, SLOT):
            slots.append(((second, True), EARLY_WEIGHT))
        for index, (start, end) in enumerate(spans):
            for second in range(start, end, SLOT):
                weight = _slot_weight(weekday, index, (second - start) / 60, (end - second) / 60)
                slots.append(((second, False), weight))
        keys, cum = _cumulative(slots)
        profiles[weekday] = DayProfile(
            starts=[k[0] for k in keys], cum=cum, outside=[k[1] for k in keys], weight=cum[-1]
        )
    return profiles


# --- generation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """Which (MDS, day) pairs to fill and their expected attendance factor."""

    sites: list[MDS]
    profiles: dict[int, dict[int, DayProfile]]
    days: list[tuple[MDS, dt.date, float]]
    skipped: int


def make_plan(options: Options, sites: list[MDS], today: dt.date, rng: random.Random) -> Plan:
    calendar = calendar_days(options, today)
    closed = public_holidays({day.year for day in calendar})
    profiles = {mds.pk: day_profiles(mds) for mds in sites}
    # Bigger and smaller sites: a stable factor per site (from the seed), mean 1.
    sizes = [rng.uniform(0.6, 1.5) for _ in sites]
    mean_size = sum(sizes) / len(sizes)
    taken: set[tuple[int, dt.date]] = set()
    if calendar:
        span = (calendar[0], calendar[-1])
        site_ids = [mds.pk for mds in sites]
        taken |= set(
            DailyTicketCounter.objects.filter(mds_id__in=site_ids, day__range=span).values_list(
                "mds_id", "day"
            )
        )
        taken |= set(
            Passage.objects.filter(mds_id__in=site_ids, day__range=span)
            .values_list("mds_id", "day")
            .distinct()
        )
    first_year = calendar[0].year if calendar else today.year
    days: list[tuple[MDS, dt.date, float]] = []
    skipped = 0
    for mds, size in zip(sites, sizes, strict=True):
        for day in calendar:
            profile = profiles[mds.pk].get(day.weekday())
            if profile is None or day in closed:
                continue
            if (mds.pk, day) in taken:
                skipped += 1
                continue
            factor = (
                size
                / mean_size
                * WEEKDAY_FACTOR[day.weekday()]
                * MONTH_FACTOR[day.month - 1]
                * (1 + YEARLY_GROWTH) ** (day.year - first_year)
            )
            days.append((mds, day, factor))
    return Plan(sites=sites, profiles=profiles, days=days, skipped=skipped)


class RowMaker:
    """Draws the passages of one MDS day. Kept in one hot loop: it runs millions of times."""

    def __init__(self, rng: random.Random, per_day: float) -> None:
        self.rng = rng
        self.per_day = per_day
        self.zone = ZoneInfo(settings.TIME_ZONE)
        motives = {m.code: m for m in Motive.objects.all()}
        mix = [(code, share) for code, share in ((c, v[0]) for c, v in MOTIVE_MIX.items())]
        mix = [(code, share) for code, share in mix if code in motives]
        if not mix:
            raise RuntimeError("Aucun motif de référence : lancez les migrations (ou seed_demo).")
        codes, self.motive_cum = _cumulative(mix)
        self.motive_info = [
            (motives[c].pk, motives[c].routes_to, MOTIVE_MIX[c][1], MOTIVE_MIX[c][2]) for c in codes
        ]
        languages = dict(Language.objects.values_list("code", "pk"))
        langs = [(languages[c], share) for c, share in LANGUAGE_MIX if c in languages]
        rest = 1.0 - sum(share for _, share in langs)
        self.language_values, self.language_cum = _cumulative([*langs, (None, rest)])
        prios = [*PRIORITY_MIX, PRIORITY_MIX_DISTRESS]
        self.priority_values, self.priority_cum = _cumulative(
            [*prios, ("", 1.0 - sum(s for _, s in prios))]
        )

    def expected(self, factor: float, profile: DayProfile, full_weight: float) -> float:
        # A lighter weekday profile (Wednesday afternoon...) means fewer visitors that day.
        return self.per_day * factor * profile.weight / full_weight

    def day_rows(self, mds_id: int, day: dt.date, mean: float, profile: DayProfile) -> list[Row]:
        rng = self.rng
        rand = rng.random
        if mean <= 0:
            return []
        # At least one visitor on an open day: a day with a counter is a day already generated.
        count = max(1, round(rng.gauss(mean, math.sqrt(mean))))
        # Open days are weekdays: the UTC offset is the same all day (DST moves on Sundays),
        # so local midnight in UTC plus seconds since midnight gives the right instant.
        base = dt.datetime(day.year, day.month, day.day, tzinfo=self.zone).astimezone(dt.UTC)
        seconds = []
        for _ in range(count):
            slot = bisect.bisect_left(profile.cum, rand() * profile.weight)
            slot = min(slot, len(profile.starts) - 1)
            seconds.append((profile.starts[slot] + int(rand() * SLOT), profile.outside[slot]))
        seconds.sort()
        tokens = os.urandom(16 * count).hex()  # idempotency keys: unique, never from the seed
        lognorm = rng.lognormvariate
        delta = dt.timedelta
        motive_cum, motive_info = self.motive_cum, self.motive_info
        language_cum, language_values = self.language_cum, self.language_values
        priority_cum, priority_values = self.priority_cum, self.priority_values
        peak_end = profile.starts[0] + EARLY_WINDOW + 90 * 60
        rows: list[Row] = []
        for number, (arrival, outside) in enumerate(seconds, start=1):
            m = bisect.bisect_left(motive_cum, rand() * motive_cum[-1])
            motive_id, routes_to, service_median, appointment_share = motive_info[m]
            priority = priority_values[bisect.bisect_left(priority_cum, rand())]
            language_id = language_values[bisect.bisect_left(language_cum, rand())]
            has_appointment = rand() < appointment_share
            alias = ALIASES[int(rand() * len(ALIASES))] if rand() < 0.25 else ""
            # Waiting: short for priorities and appointments, longer in the opening rush.
            median = 4.0 if priority else 6.0 if has_appointment else 13.0
            if arrival < peak_end:
                median *= 1.4
            wait = min(lognorm(math.log(median * 60), 0.7), 3 * 3600.0)
            arrived = base + delta(seconds=arrival)
            called = started = ended = None
            desk = partner = reason = ""
            r = rand()
            if r < 0.015:
                status = CANCELLED
                reason = CANCEL_REASONS[int(rand() * len(CANCEL_REASONS))]
                ended = arrived + delta(seconds=60 + rand() * 540)
            elif r < 0.105:
                status = LEFT
                if rand() < 0.25:  # called, did not answer
                    called = arrived + delta(seconds=wait)
                    ended = called + delta(seconds=120 + rand() * 780)
                    desk = _desk(routes_to, rand)
                else:
                    ended = arrived + delta(seconds=wait * 1.5 + 300)
            else:
                called = arrived + delta(seconds=wait)
                started = called + delta(seconds=15 + rand() * 165)
                service = min(lognorm(math.log(service_median * 60), 0.5), 4 * 3600.0)
                ended = started + delta(seconds=service)
                desk = _desk(routes_to, rand)
                if r < 0.14:
                    status = REORIENTED
                    partner = PARTNERS[int(rand() * len(PARTNERS))]
                else:
                    status = DONE
            token = tokens[32 * (number - 1) : 32 * number]
            row = (
                mds_id, day, number, arrived, motive_id, alias, has_appointment, priority,
                language_id, routes_to, status, desk, called, started, ended, partner, reason,
                outside, token,
            )  # fmt: skip
            rows.append(row)
        return rows


def _desk(role: str, rand: Callable[[], float]) -> str:
    if role == "travailleur_social":
        return f"Bureau {1 + int(rand() * 6)}"
    if role == "mediateur":
        return "Espace numérique"
    if role == "secretariat":
        return "Secrétariat"
    return "Accueil"


def planned_weight(plan: Plan, maker_full: Callable[[MDS, int], float]) -> float:
    """Sum of the expected attendance factors: total passages per unit of ``per_day``."""
    total = 0.0
    for mds, day, factor in plan.days:
        profile = plan.profiles[mds.pk][day.weekday()]
        total += factor * profile.weight / maker_full(mds, day.weekday())
    return total


# --- writers ------------------------------------------------------------------------------


def _extra_columns() -> tuple[list[str], list[Any]]:
    """Columns of ``Passage`` this module does not draw (``created_by`` and any added later)."""
    drawn = set(PASSAGE_COLUMNS) | {"id"}
    names, values = [], []
    for f in Passage._meta.concrete_fields:
        column = f.column
        if column in drawn or column == "created_by_id":
            continue
        names.append(column)
        values.append(f.get_default())
    return names, values


NULL = r"\N"


def _copy_value(value: Any) -> str:
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


class PostgresWriter:
    """Rows to ``COPY ... FROM STDIN`` (text format) from an in-memory buffer."""

    def __init__(self, generator_id: int) -> None:
        extra_names, extra_values = _extra_columns()
        self.columns = [*PASSAGE_COLUMNS, *extra_names, "created_by_id"]
        self.suffix = "".join("\t" + _copy_value(v) for v in [*extra_values, generator_id])
        self.table = Passage._meta.db_table

    def write(self, rows: list[Row]) -> None:
        buffer = io.StringIO()
        suffix, null = self.suffix, NULL
        lines = []
        for row in rows:
            (mds_id, day, number, arrived, motive_id, alias, has_appt, priority, language_id,
             oriented_to, status, desk, called, started, ended, partner, reason, outside,
             token) = row  # fmt: skip
            lines.append(
                f"{mds_id}\t{day}\t{number}\t{arrived}\t{motive_id}\t{alias}\t"
                f"{'t' if has_appt else 'f'}\t{priority}\t"
                f"{null if language_id is None else language_id}\t{oriented_to}\t{status}\t"
                f"{desk}\t{null if called is None else called}\t"
                f"{null if started is None else started}\t"
                f"{null if ended is None else ended}\t{partner}\t{reason}\t"
                f"{'t' if outside else 'f'}\t{token}{suffix}\n"
            )
        buffer.write("".join(lines))
        buffer.seek(0)
        sql = f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN"
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(sql, buffer, size=1 << 20)

    def write_counters(self, counters: list[tuple[int, dt.date, int]]) -> None:
        buffer = io.StringIO("".join(f"{m}\t{d}\t{n}\n" for m, d, n in counters))
        table = DailyTicketCounter._meta.db_table
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(f"COPY {table} (mds_id, day, last_number) FROM STDIN", buffer)


class OrmWriter:
    """``bulk_create`` for databases without COPY (SQLite in development)."""

    def __init__(self, generator_id: int, batch: int) -> None:
        self.generator_id = generator_id
        self.batch = batch

    def write(self, rows: list[Row]) -> None:
        Passage.objects.bulk_create(
            (
                Passage(
                    **dict(zip(_FIELD_NAMES, row, strict=True)), created_by_id=self.generator_id
                )
                for row in rows
            ),
            batch_size=min(self.batch, 2000),
        )

    def write_counters(self, counters: list[tuple[int, dt.date, int]]) -> None:
        DailyTicketCounter.objects.bulk_create(
            DailyTicketCounter(mds_id=m, day=d, last_number=n) for m, d, n in counters
        )


# PASSAGE_COLUMNS as model attribute names (``mds_id`` etc. are valid attnames).
_FIELD_NAMES = PASSAGE_COLUMNS


def _events_sql(generator_id: int, after_id: int) -> tuple[str, list[Any]]:
    """One statement writing the status history of the passages just copied (server side)."""
    p, e = Passage._meta.db_table, PassageEvent._meta.db_table
    base = f"FROM {p} WHERE created_by_id = %s AND id > %s"
    sql = (
        f"INSERT INTO {e} (passage_id, from_status, to_status, at, by_id, note) "
        f"SELECT id, '', 'waiting', arrived_at, NULL::bigint, '' {base} "
        f"UNION ALL SELECT id, 'waiting', 'called', called_at, NULL, desk {base} "
        "AND called_at IS NOT NULL "
        f"UNION ALL SELECT id, 'called', 'in_progress', started_at, NULL, '' {base} "
        "AND started_at IS NOT NULL "
        "UNION ALL SELECT id, CASE WHEN started_at IS NOT NULL THEN 'in_progress' "
        "WHEN called_at IS NOT NULL THEN 'called' ELSE 'waiting' END, status, ended_at, NULL, "
        f"LEFT(partner || cancel_reason, 200) {base} AND ended_at IS NOT NULL"
    )
    return sql, [generator_id, after_id] * 4


def _orm_events(rows_since: int, generator_id: int) -> int:
    events: list[PassageEvent] = []
    for passage in Passage.objects.filter(created_by_id=generator_id, pk__gt=rows_since):
        events.append(
            PassageEvent(passage=passage, to_status=Status.WAITING, at=passage.arrived_at)
        )
        previous = Status.WAITING
        if passage.called_at:
            events.append(
                PassageEvent(
                    passage=passage,
                    from_status=previous,
                    to_status=Status.CALLED,
                    at=passage.called_at,
                    note=passage.desk,
                )
            )
            previous = Status.CALLED
        if passage.started_at:
            events.append(
                PassageEvent(
                    passage=passage,
                    from_status=previous,
                    to_status=Status.IN_PROGRESS,
                    at=passage.started_at,
                )
            )
            previous = Status.IN_PROGRESS
        if passage.ended_at:
            events.append(
                PassageEvent(
                    passage=passage,
                    from_status=previous,
                    to_status=passage.status,
                    at=passage.ended_at,
                    note=(passage.partner or passage.cancel_reason)[:200],
                )
            )
    PassageEvent.objects.bulk_create(events, batch_size=2000)
    return len(events)


# --- truncate -----------------------------------------------------------------------------


def truncate(generator: User) -> int:
    """Delete the generated passages (and what hangs on them), their counters; nothing else."""
    with transaction.atomic():
        for relation in Passage._meta.related_objects:
            model = relation.related_model
            assert not isinstance(model, str)  # resolved once the app registry is ready
            related = model._base_manager.filter(
                **{f"{relation.field.name}__created_by": generator}
            )
            on_delete = getattr(relation, "on_delete", None)
            if on_delete is deletion.CASCADE:
                related.delete()  # fast (one DELETE) when nothing hangs on the related rows
            elif on_delete is deletion.SET_NULL:
                related.update(**{relation.field.name: None})
            elif related.exists():
                raise RuntimeError(
                    f"Des {model._meta.verbose_name_plural} renvoient à des "
                    "passages générés : supprimez-les d'abord."
                )
        same_day = {"mds": OuterRef("mds"), "day": OuterRef("day")}
        DailyTicketCounter.objects.filter(
            Exists(Passage.objects.filter(created_by=generator, **same_day)),
            ~Exists(Passage.objects.filter(**same_day).exclude(created_by=generator)),
        ).delete()
        # Raw DELETE: Django's collector would load millions of passages to cascade by hand.
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {Passage._meta.db_table} WHERE created_by_id = %s",  # noqa: S608
                [generator.pk],
            )
            deleted = cursor.rowcount
    return int(deleted)


# --- driver -------------------------------------------------------------------------------


def generate(options: Options, progress: Callable[[str], None] = print) -> Report:
    started = time.monotonic()
    report = Report(backend=connection.vendor)
    rng = random.Random(options.seed)
    today = options.today or dt.datetime.now(ZoneInfo(settings.TIME_ZONE)).date()
    with transaction.atomic():
        generator = generator_user()
        sites, report.mds_created = ensure_sites(options.mds)
    if options.truncate:
        t0 = time.monotonic()
        report.deleted = truncate(generator)
        progress(f"--truncate : {report.deleted} passages générés supprimés ({_s(t0)}).")
        if report.deleted and connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Millions of dead rows slow the next COPY and bloat the indexes: reclaim them now.
            t0 = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM {Passage._meta.db_table}")
            progress(f"VACUUM : {_s(t0)}.")
    plan = make_plan(options, sites, today, rng)
    report.days_skipped = plan.skipped
    maker = RowMaker(rng, options.per_day)
    full = {
        mds.pk: max((p.weight for p in plan.profiles[mds.pk].values()), default=1.0)
        for mds in sites
    }

    def full_weight(mds: MDS, weekday: int) -> float:
        return full[mds.pk]

    # Scale so that --per-day is the real average per open day (weekday, month and growth
    # factors redistribute visitors but do not change the total), or --total is met.
    target = options.total if options.total is not None else options.per_day * len(plan.days)
    weight = planned_weight(plan, full_weight)
    maker.per_day = target / weight if weight else 0.0
    report.per_day = target / len(plan.days) if plan.days else 0.0
    progress(
        f"{len(sites)} MDS, {len(plan.days)} journées d'ouverture à remplir "
        f"({plan.skipped} déjà présentes), {thousands(target)} passages visés, "
        f"base {connection.vendor}."
    )
    use_copy = options.use_copy
    if use_copy is None:
        use_copy = connection.vendor == "postgresql"
    writer: PostgresWriter | OrmWriter = (
        PostgresWriter(generator.pk) if use_copy else OrmWriter(generator.pk, options.batch)
    )
    report.backend = f"{connection.vendor}, {'COPY' if use_copy else 'bulk_create'}"
    for rows, counters in _batches(plan, maker, options.batch, full_weight):
        with transaction.atomic():
            after = Passage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            writer.write(rows)
            writer.write_counters(counters)
            if options.with_events:
                report.events += _write_events(generator.pk, after, use_copy)
        report.passages += len(rows)
        report.counters += len(counters)
        elapsed = time.monotonic() - started
        progress(
            f"  {thousands(report.passages):>10} passages, {thousands(report.counters):>7} "
            f"journées — {elapsed:6.1f} s, {thousands(report.passages / elapsed)} lignes/s"
        )
    if connection.vendor == "postgresql" and report.passages:
        t0 = time.monotonic()
        with connection.cursor() as cursor:
            # Fresh statistics so the planner sees the history right away (autovacuum lags).
            cursor.execute(f"ANALYZE {Passage._meta.db_table}")
            cursor.execute(f"ANALYZE {DailyTicketCounter._meta.db_table}")
        progress(f"ANALYZE : {_s(t0)}.")
    report.seconds = time.monotonic() - started
    return report


def _write_events(generator_id: int, after: int, server_side: bool) -> int:
    if server_side:
        sql, params = _events_sql(generator_id, after)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return int(cursor.rowcount)
    return _orm_events(after, generator_id)


def _batches(
    plan: Plan, maker: RowMaker, size: int, full_weight: Callable[[MDS, int], float]
) -> Iterator[tuple[list[Row], list[tuple[int, dt.date, int]]]]:
    """Whole days grouped until ``size`` rows, with their counters (one transaction each)."""
    rows: list[Row] = []
    counters: list[tuple[int, dt.date, int]] = []
    for mds, day, factor in plan.days:
        profile = plan.profiles[mds.pk][day.weekday()]
        mean = maker.expected(factor, profile, full_weight(mds, day.weekday()))
        day_rows = maker.day_rows(mds.pk, day, mean, profile)
        if day_rows:
            rows.extend(day_rows)
            counters.append((mds.pk, day, len(day_rows)))
        if len(rows) >= size:
            yield rows, counters
            rows, counters = [], []
    if rows:
        yield rows, counters


def thousands(n: float) -> str:
    return f"{n:,.0f}".replace(",", " ")


def _s(t0: float) -> str:
    return f"{time.monotonic() - t0:.1f} s"
