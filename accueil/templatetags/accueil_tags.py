from django import template
from django.utils.translation import ngettext

from accueil.models import Passage

register = template.Library()


@register.simple_tag
def waiting_minutes(passage: Passage) -> str:
    """Waiting time as the agent reads it: computed from server times, never typed."""
    minutes = int(passage.waiting_time().total_seconds() // 60)
    if minutes < 1:
        return "< 1 min"
    return ngettext("%(n)d min", "%(n)d min", minutes) % {"n": minutes}
