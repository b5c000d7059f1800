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

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce, ExtractHour, ExtractIsoWeekDay

from accueil.models import Language, Motive, Passage, Priority, Status
from pilotage import charts
from pilotage.forms import Filters
from pilotage.privacy import protect_count, protect_series, protect_share, protect_stat
from pilotage.tables import WEEKDAYS, Table

from .common import PARIS, Epoch, PercentileCont, by_labels, distribution, local_bounds, minutes

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


def key_figures(qs: QuerySet[Passage]) -> dict[str, Any]:
    return qs.aggregate(
        total=Count("pk"),
        seen=Count("pk", filter=SEEN),
        left=Count("pk", filter=Q(status=Status.LEFT)),
        out_of_hours=Count("pk", filter=Q(outside_opening_hours=True)),
        median=PercentileCont(WAIT, 0.5, filter=SEEN),
        p90=PercentileCont(WAIT, 0.9, filter=SEEN),
    )


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


def per_day(qs: QuerySet[Passage]) -> Table:
    counted = list(qs.values_list("day").annotate(n=Count("pk")).order_by("day"))
    counts = protect_series([n for _day, n in counted])
    rows = [[day, c] for (day, _n), c in zip(counted, counts, strict=True)]
    chart = charts.bar_chart("Passages par jour", [(day.strftime("%d/%m"), c) for day, c in rows])
    return Table("accueil/passages-par-jour", rows, chart=chart)


def hours(qs: QuerySet[Passage]) -> Table:
    counted = (
        qs.annotate(
            hour=ExtractHour("arrived_at", tzinfo=PARIS),
            dow=ExtractIsoWeekDay("arrived_at", tzinfo=PARIS),
        )
        .values_list("hour", "dow")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = {(h, d): n for h, d, n in counted}
    hours_seen = sorted({h for h, _d in found}) or list(range(8, 18))
    span = list(range(min(hours_seen), max(hours_seen) + 1))
    flat = protect_series([found.get((h, d), 0) for h in span for d in range(1, 8)])
    grid = [flat[i * 7 : (i + 1) * 7] for i in range(len(span))]
    labels = [f"{h:02d} h" for h in span]
    rows = [[label, *line] for label, line in zip(labels, grid, strict=True)]
    chart = charts.heatmap("Arrivées par heure et jour", labels, WEEKDAYS, grid)
    return Table("accueil/heures", rows, chart=chart)


def motives(qs: QuerySet[Passage]) -> Table:
    labels = list(Motive.objects.order_by("position", "label").values_list("pk", "label"))
    counted = qs.values_list("motive_id").annotate(n=Count("pk")).order_by()
    rows = distribution(by_labels(counted, labels))
    chart = charts.hbar_chart("Motifs de venue", [(r[0], r[1]) for r in rows])
    return Table("accueil/motifs", rows, chart=chart)


def priorities(qs: QuerySet[Passage]) -> Table:
    counted = qs.values_list("priority").annotate(n=Count("pk")).order_by()
    rows = distribution(by_labels(counted, [(k, str(v)) for k, v in Priority.choices]))
    return Table("accueil/priorites", rows)


def languages(qs: QuerySet[Passage]) -> Table:
    labels: list[tuple[Any, str]] = [(None, "Non précisée")]
    labels += list(Language.objects.order_by("position", "label").values_list("pk", "label"))
    counted = qs.values_list("language_id").annotate(n=Count("pk")).order_by()
    return Table("accueil/langues", distribution(by_labels(counted, labels)))


def accueil_tables(filters: Filters) -> list[Table]:
    qs = passages(filters)
    return [
        figures_table(key_figures(qs)),
        per_day(qs),
        hours(qs),
        motives(qs),
        priorities(qs),
        languages(qs),
    ]


def per_mds(filters: Filters) -> dict[int, dict[str, Any]]:
    """Key accueil figures of each MDS of the scope (the side-by-side comparison)."""
    qs = passages(filters).values("mds_id").order_by()
    return {
        row["mds_id"]: row
        for row in qs.annotate(
            total=Count("pk"),
            seen=Count("pk", filter=SEEN),
            left=Count("pk", filter=Q(status=Status.LEFT)),
            median=PercentileCont(WAIT, 0.5, filter=SEEN),
            p90=PercentileCont(WAIT, 0.9, filter=SEEN),
        )
    }
