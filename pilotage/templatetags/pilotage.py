"""How a table cell reads on the page (exports use :func:`pilotage.exports.export_cell`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.formats import number_format

from pilotage.privacy import Count

register = template.Library()


@register.filter
def cell(value: Any) -> str:
    if isinstance(value, Count):
        return value.label
    if value is None:
        return "—"
    if isinstance(value, float):
        return number_format(value, decimal_pos=1)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


@register.filter
def is_count(value: Any) -> bool:
    return isinstance(value, Count | int | float) or value is None
