"""Pieces shared by the section selectors: period bounds in Europe/Paris, one-scan breakdowns
(``GROUPING SETS``, with ``percentile_cont`` for waiting times), the planner settings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import FloatField, Func, QuerySet
from django.db.models.expressions import Combinable

from pilotage.forms import Filters
from pilotage.privacy import protect_series, protect_share

PARIS = ZoneInfo("Europe/Paris")
#: Planner settings of the dashboard reads (see :func:`tuned`).
TUNING = "SET LOCAL work_mem = '32MB'; SET LOCAL random_page_cost = 1.1"


@contextmanager
def tuned() -> Iterator[None]:
    """One read-only transaction for a dashboard page, with planner settings fit for it:
    - ``work_mem`` 32 MB: sorting a month of the Département (~60 k passages) spills to disk
      with the default 4 MB;
    - ``random_page_cost`` 1.1 (SSD storage, as PostgreSQL's documentation advises): with the
      default 4.0 the planner reads every démarche (1.3 M rows at department scale) instead of
      the period's through the session index — 4 to 6 times slower (bench/dashboard.py).
    Better set on the database itself (``ALTER DATABASE … SET random_page_cost = 1.1``); doing it
    here keeps the dashboards fast whatever the server's configuration."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(TUNING)
        yield


def local_bounds(filters: Filters) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) as aware datetimes: local midnight of the first day and of the day after
    the last one (a DST day is 23 or 25 hours long; midnight is always unambiguous in Paris)."""
    start = dt.datetime.combine(filters.start, dt.time.min, tzinfo=PARIS)
    end = dt.datetime.combine(filters.end + dt.timedelta(days=1), dt.time.min, tzinfo=PARIS)
    return start, end


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


def grouping_sets(
    qs: QuerySet[Any], sets: Sequence[tuple[str, ...]], aggregates: Sequence[str]
) -> dict[tuple[str, ...], list[tuple[dict[str, Any], tuple[Any, ...]]]]:
    """One scan for several breakdowns: ``GROUP BY GROUPING SETS`` over ``qs`` (a ``values()``
    queryset whose column names are the names used in ``sets`` and ``aggregates``).

    Returns, for each set (its columns sorted), rows of ``({column: value}, aggregates)``.
    ``aggregates`` are SQL snippets written here, in code, never from user input.
    """
    sql, params = qs.query.sql_with_params()
    columns = sorted({column for group in sets for column in group})
    for name in columns:
        if not name.isidentifier():
            raise ValueError(name)
    flags = ", ".join(f'GROUPING("{c}")' for c in columns) or "0"
    selected = ", ".join(f'"{c}"' for c in columns)
    group_sql = ", ".join("(" + ", ".join(f'"{c}"' for c in group) + ")" for group in sets)
    query = (
        f"SELECT {flags}, {selected + ', ' if selected else ''}{', '.join(aggregates)} "  # noqa: S608
        f"FROM ({sql}) AS p GROUP BY GROUPING SETS ({group_sql})"
    )
    result: dict[tuple[str, ...], list[tuple[dict[str, Any], tuple[Any, ...]]]] = {
        tuple(sorted(group)): [] for group in sets
    }
    width = len(columns) if columns else 1
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        for row in cursor.fetchall():
            grouped = tuple(c for c, flag in zip(columns, row[:width], strict=False) if flag == 0)
            values = dict(zip(columns, row[width : width + len(columns)], strict=True))
            result[grouped].append(
                ({c: values[c] for c in grouped}, tuple(row[width + len(columns) :]))
            )
    return result
