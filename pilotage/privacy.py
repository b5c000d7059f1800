"""The small-count rule of the dashboards and exports — the ONE place it lives.

Rule (documented in ``docs/exports.md`` and on every dashboard page):

1. **Primary masking.** A count from 1 to 4 is shown as ``"< 5"`` (:data:`SMALL_LABEL`), on the
   page, in charts and in every export. Zero stays ``0``: an empty cell describes nobody.
2. **No recomputing through a total.** The totals of a series are published elsewhere (the
   number of passages, of sessions…), so when a series (one table column, a time series, a heat
   map) has exactly one masked cell, the smallest other non-zero cell is masked too, shown as
   ``"masqué"`` (:data:`SECONDARY_LABEL`): the masked value can no longer be worked out by
   subtraction. The total of a series is never printed next to it.
3. **Statistics on few people.** A median, a percentile or a share computed over fewer than 5
   people (or whose numerator is masked) is not shown (``None``, rendered ``"—"``).

Every table goes through :func:`protect_series` (or :func:`protect_count` for a lone figure);
no view, template or export looks at a raw count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Counts strictly below this are masked.
SMALL_COUNT_THRESHOLD = 5
SMALL_LABEL = "< 5"
SECONDARY_LABEL = "masqué"


@dataclass(frozen=True)
class Count:
    """A published count: ``label`` is what a person reads (and what an export holds)."""

    value: int
    masked: bool = False
    secondary: bool = False

    @property
    def label(self) -> str:
        if self.secondary:
            return SECONDARY_LABEL
        if self.masked:
            return SMALL_LABEL
        return str(self.value)

    @property
    def shown(self) -> int | None:
        """The number a chart may draw, ``None`` when masked."""
        return None if self.masked or self.secondary else self.value

    @property
    def cell(self) -> int | str:
        """What a CSV/XLSX cell holds: the number, or the masking label."""
        shown = self.shown
        return self.label if shown is None else shown

    def __str__(self) -> str:
        return self.label


def is_small(value: int) -> bool:
    return 0 < value < SMALL_COUNT_THRESHOLD


def protect_count(value: int) -> Count:
    """A lone count (no series around it)."""
    return Count(value=value, masked=is_small(value))


def protect_series(values: Sequence[int]) -> list[Count]:
    """Mask a series of counts that add up to a published total (rules 1 and 2)."""
    counts = [Count(value=v, masked=is_small(v)) for v in values]
    masked = [c for c in counts if c.masked]
    if len(masked) == 1:
        others = [(c.value, i) for i, c in enumerate(counts) if not c.masked and c.value > 0]
        if others:
            _value, index = min(others)
            counts[index] = Count(value=counts[index].value, masked=True, secondary=True)
    return counts


def protect_share(numerator: Count, denominator: int) -> float | None:
    """A share in percent (one decimal), or ``None`` when it would reveal a small count."""
    if numerator.shown is None or denominator < SMALL_COUNT_THRESHOLD:
        return None
    return round(100.0 * numerator.value / denominator, 1)


def protect_stat(value: float | None, population: int) -> float | None:
    """A median, percentile or mean over ``population`` people; ``None`` under the threshold."""
    if value is None or population < SMALL_COUNT_THRESHOLD:
        return None
    return value
