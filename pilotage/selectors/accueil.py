"""Accueil indicators: passages per day, hour × weekday, waiting time, left without being seen,
motives, priorities, languages, out-of-hours arrivals.

Definitions (the issue is silent on these):
- a passage counts from its arrival time (Europe/Paris); cancelled passages (typing errors)
  are left out everywhere;
- waiting time = first call (or reception) minus arrival, over the passages that were seen;
  median and 90th percentile by ``percentile_cont`` in PostgreSQL;
- "left without being seen" share = passages in status *left* over the passages of the period.

A fixed number of queries whatever the data size (asserted in tests).
"""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import Coalesce, ExtractHour, ExtractIsoWeekDay

from accueil.models import Language, Motive, Passage, Priority, Status
from pilotage import charts
from pilotage.forms import Filters
from pilotage.privacy import protect_count, protect_series, protect_share, protect_stat
from pilotage.tables import WEEKDAYS, Table

from .common import PARIS, Epoch, by_labels, distribution, grouping_sets, local_bounds, minutes

SEEN = Q(called_at__isnull=False) | Q(started_at__isnull=False)
WAIT = Epoch(Coalesce(F("called_at"), F("started_at")) - F("arrived_at"))


def passages(filters: Filters) -> QuerySet[Passage]:
    start, end = local_bounds(filters)
    qs = Passage.objects.filter(
        mds_id__in=filters.mds_ids, arrived_at__gte=start, arrived_at__lt=end
    ).exclude(status=Status.CANCELLED)
    if filters.motive is not None:
        qs = qs.filter(motive=filters.motive)
    return qs


FIGURES_SQL = (
    "COUNT(*)",
    "COUNT(*) FILTER (WHERE seen)",
    f"COUNT(*) FILTER (WHERE status = '{Status.LEFT.value}')",
    "COUNT(*) FILTER (WHERE outside_opening_hours)",
    "percentile_cont(0.5) WITHIN GROUP (ORDER BY wait) FILTER (WHERE seen)",
    "percentile_cont(0.9) WITHIN GROUP (ORDER BY wait) FILTER (WHERE seen)",
)
FIGURE_NAMES = ("total", "seen", "left", "out_of_hours", "median", "p90")
EMPTY = {"total": 0, "seen": 0, "left": 0, "out_of_hours": 0, "median": None, "p90": None}


def figures(filters: Filters) -> dict[int | None, dict[str, Any]]:
    """Key figures of the whole scope (key ``None``) and of each MDS, in one scan."""
    qs = (
        passages(filters)
        .annotate(seen=ExpressionWrapper(SEEN, output_field=BooleanField()), wait=WAIT)
        .values("mds_id", "status", "outside_opening_hours", "seen", "wait")
        .order_by()
    )
    result: dict[int | None, dict[str, Any]] = {None: dict(EMPTY)}
    for group, rows in grouping_sets(qs, [(), ("mds_id",)], FIGURES_SQL).items():
        for keys, values in rows:
            result[keys.get("mds_id") if group else None] = dict(
                zip(FIGURE_NAMES, values, strict=True)
            )
    return result


def figures_table(figures: dict[str, Any]) -> Table:
    total = figures["total"]
    left = protect_count(figures["left"])
    rows: list[list[Any]] = [
        ["Passages", protect_count(total)],
        ["Attente médiane (min)", protect_stat(minutes(figures["median"]), figures["seen"])],
        ["Attente 90e centile (min)", protect_stat(minutes(figures["p90"]), figures["seen"])],
        ["Partis sans être reçus", left],
        ["Partis sans être reçus (%)", protect_share(left, total)],
        ["Arrivées hors horaires", protect_count(figures["out_of_hours"])],
    ]
    return Table("accueil/chiffres", rows)


BREAKDOWNS = [("day",), ("dow", "hour"), ("motive_id",), ("priority",), ("language_id",)]


def breakdowns(filters: Filters) -> dict[tuple[str, ...], list[tuple[Any, ...]]]:
    """Passages by day, by hour x weekday, by motive, priority and language: one scan."""
    qs = (
        passages(filters)
        .annotate(
            hour=ExtractHour("arrived_at", tzinfo=PARIS),
            dow=ExtractIsoWeekDay("arrived_at", tzinfo=PARIS),
        )
        .values("day", "hour", "dow", "motive_id", "priority", "language_id")
        .order_by()
    )
    return {
        group: [(*(keys[c] for c in group), values[0]) for keys, values in rows]
        for group, rows in grouping_sets(qs, BREAKDOWNS, ["COUNT(*)"]).items()
    }


def per_day(counted: list[tuple[Any, ...]]) -> Table:
    counted = sorted(counted)
    counts = protect_series([n for _day, n in counted])
    rows = [[day, c] for (day, _n), c in zip(counted, counts, strict=True)]
    chart = charts.bar_chart("Passages par jour", [(day.strftime("%d/%m"), c) for day, c in rows])
    return Table("accueil/passages-par-jour", rows, chart=chart)


def hours(counted: list[tuple[Any, ...]]) -> Table:
    found = {(int(h), int(d)): n for d, h, n in counted}
    hours_seen = sorted({h for h, _d in found}) or list(range(8, 18))
    span = list(range(min(hours_seen), max(hours_seen) + 1))
    flat = protect_series([found.get((h, d), 0) for h in span for d in range(1, 8)])
    grid = [flat[i * 7 : (i + 1) * 7] for i in range(len(span))]
    labels = [f"{h:02d} h" for h in span]
    rows = [[label, *line] for label, line in zip(labels, grid, strict=True)]
    chart = charts.heatmap("Arrivées par heure et jour", labels, WEEKDAYS, grid)
    return Table("accueil/heures", rows, chart=chart)


def motives(counted: list[tuple[Any, ...]]) -> Table:
    labels = list(Motive.objects.order_by("position", "label").values_list("pk", "label"))
    rows = distribution(by_labels(counted, labels))
    chart = charts.hbar_chart("Motifs de venue", [(r[0], r[1]) for r in rows])
    return Table("accueil/motifs", rows, chart=chart)


def priorities(counted: list[tuple[Any, ...]]) -> Table:
    rows = distribution(by_labels(counted, [(k, str(v)) for k, v in Priority.choices]))
    return Table("accueil/priorites", rows)


def languages(counted: list[tuple[Any, ...]]) -> Table:
    labels: list[tuple[Any, str]] = [(None, "Non précisée")]
    labels += list(Language.objects.order_by("position", "label").values_list("pk", "label"))
    return Table("accueil/langues", distribution(by_labels(counted, labels)))


def accueil_tables(
    filters: Filters, key_figures: dict[int | None, dict[str, Any]] | None = None
) -> list[Table]:
    key_figures = key_figures if key_figures is not None else figures(filters)
    counted = breakdowns(filters)
    return [
        figures_table(key_figures[None]),
        per_day(counted[("day",)]),
        hours(counted[("dow", "hour")]),
        motives(counted[("motive_id",)]),
        priorities(counted[("priority",)]),
        languages(counted[("language_id",)]),
    ]
