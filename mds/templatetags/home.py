"""``{% home_panels %}``: the panels registered by the apps (see mds.home_pages)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from mds.home_pages import home_panels as panels

register = template.Library()


@register.simple_tag(takes_context=True)
def home_panels(context: dict[str, Any]) -> SafeString:
    request = context.get("request")
    if request is None:
        return mark_safe("")
    return mark_safe("".join(panels(request)))  # noqa: S308 -- each panel is a rendered template
