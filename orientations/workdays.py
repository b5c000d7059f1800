"""Working days in France: Monday to Friday, public holidays excluded (``holidays`` package).

Delays of referrals (reminder, escalation, expiry) count working days from the day the referral
was sent: a referral sent on Friday before a bank-holiday Monday has waited one working day on
Tuesday evening, not three calendar days.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
from django.utils import timezone


@lru_cache(maxsize=32)
def _french_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("FR", years=year).keys())


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _french_holidays(day.year)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end <= start``)."""
    count = 0
    day = start + dt.timedelta(days=1)
    while day <= end:
        if is_working_day(day):
            count += 1
        day += dt.timedelta(days=1)
    return count


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start``."""
    if days < 0:
        raise ValueError("days must be >= 0")
    day = start
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def sent_on_or_before(today: dt.date, days: int) -> dt.date:
    """The latest sending day for which ``days`` working days have passed by ``today``.

    Used to select due referrals with a plain ``sent_at`` comparison (one indexed query) rather
    than computing each referral's age in Python.
    """
    day = today
    counted = 0
    while counted < days:
        if is_working_day(day):
            counted += 1
        day -= dt.timedelta(days=1)
    return day


def waited_cutoff(today: dt.date, days: int) -> dt.datetime:
    """Referrals sent before this instant have waited ``days`` full working days by today
    (the working days after the sending day and before today; today is not over yet). One
    definition for the reminders, the expiry and the pilotage's "pending" count."""
    last_day = sent_on_or_before(today - dt.timedelta(days=1), days)
    return timezone.make_aware(dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time()))
