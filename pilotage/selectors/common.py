"""Pieces shared by the section selectors: period bounds in Europe/Paris, percentiles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Aggregate, FloatField, Func
from django.db.models.expressions import Combinable

from pilotage.forms import Filters
from pilotage.privacy import protect_series, protect_share

PARIS = ZoneInfo("Europe/Paris")


def local_bounds(filters: Filters) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) as aware datetimes: local midnight of the first day and of the day after
    the last one (a DST day is 23 or 25 hours long; midnight is always unambiguous in Paris)."""
    start = dt.datetime.combine(filters.start, dt.time.min, tzinfo=PARIS)
    end = dt.datetime.combine(filters.end + dt.timedelta(days=1), dt.time.min, tzinfo=PARIS)
    return start, end


class PercentileCont(Aggregate):
    """PostgreSQL ``percentile_cont(f) WITHIN GROUP (ORDER BY expr)``."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        if not 0 <= fraction <= 1:
            raise ValueError("fraction")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


class Epoch(Func):
    """Seconds in an interval (``EXTRACT(EPOCH FROM …)``)."""

    template = "EXTRACT(EPOCH FROM (%(expressions)s))"
    output_field = FloatField()

    def __init__(self, expression: Combinable, **extra: Any) -> None:
        super().__init__(expression, **extra)


def minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60.0, 1)


def distribution(
    labelled: Sequence[tuple[str, int]], *, with_share: bool = True
) -> list[list[Any]]:
    """Rows ``[label, Count, share %]`` for a series that adds up to a published total."""
    total = sum(value for _label, value in labelled)
    counts = protect_series([value for _label, value in labelled])
    rows: list[list[Any]] = []
    for (label, _value), count in zip(labelled, counts, strict=True):
        row: list[Any] = [label, count]
        if with_share:
            row.append(protect_share(count, total))
        rows.append(row)
    return rows


def by_labels(
    counted: Iterable[tuple[Any, int]], labels: Sequence[tuple[Any, str]]
) -> list[tuple[str, int]]:
    """Counts in the order of ``labels`` (every label listed, zero when absent); counts whose
    key is not a known label are summed into "Autre"."""
    found = dict(counted)
    known = {key for key, _label in labels}
    pairs = [(str(label), int(found.get(key, 0))) for key, label in labels]
    other = sum(int(v) for k, v in found.items() if k not in known)
    if other:
        pairs.append(("Autre", other))
    return pairs
