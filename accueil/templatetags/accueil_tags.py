from dataclasses import dataclass

from django import template
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_stubs_ext import StrOrPromise

from accueil.models import TRANSITIONS, Action, Passage, allowed_actions

register = template.Library()


@register.simple_tag
def waiting_minutes(passage: Passage) -> str:
    """Waiting time as the agent reads it: computed from server times, never typed."""
    minutes = int(passage.waiting_time().total_seconds() // 60)
    if minutes < 1:
        return "< 1 min"
    return ngettext("%(n)d min", "%(n)d min", minutes) % {"n": minutes}


@dataclass(frozen=True)
class ActionButton:
    action: str
    label: str
    style: str


#: The one-tap buttons of a queue row, in display order: actions that need nothing more than
#: the desk (re-orienting and cancelling need a target or a reason: the passage page has them).
#: A row shows only the ones that move the passage to another status.
_ROW_BUTTONS: dict[str, tuple[StrOrPromise, str]] = {
    Action.CALL: (_("Appeler"), "btn-outline-primary"),
    Action.START: (_("Recevoir"), "btn-outline-primary"),
    Action.REQUEUE: (_("Pas venu"), "btn-outline-secondary"),
    Action.FINISH: (_("Terminer"), "btn-outline-success"),
    Action.LEFT: (_("Parti"), "btn-outline-secondary"),
}
#: The buttons of the person a professional is receiving (desk page): calling again is offered.
_DESK_BUTTONS: dict[str, tuple[StrOrPromise, str]] = {
    Action.START: (_("Recevoir"), "btn-primary btn-touch"),
    Action.CALL: (_("Rappeler"), "btn-outline-secondary btn-touch"),
    Action.REQUEUE: (_("Pas venu"), "btn-outline-secondary btn-touch"),
    Action.FINISH: (_("Terminer"), "btn-success btn-touch"),
}


@register.simple_tag
def passage_actions(passage: Passage) -> list[str]:
    """:func:`accueil.models.allowed_actions` for templates (``{% passage_actions p as a %}``)."""
    return allowed_actions(passage)


@register.simple_tag
def row_buttons(passage: Passage) -> list[ActionButton]:
    """The buttons of a queue row: the allowed actions that move the passage to another status
    (calling again someone already called is done from the desk page, with a new desk)."""
    allowed = set(allowed_actions(passage))
    return [
        ActionButton(action, str(label), style)
        for action, (label, style) in _ROW_BUTTONS.items()
        if action in allowed and TRANSITIONS[action][1] != passage.status
    ]


@register.simple_tag
def desk_buttons(passage: Passage) -> list[ActionButton]:
    """The buttons of the person being received at a desk, from the allowed actions."""
    allowed = set(allowed_actions(passage))
    return [
        ActionButton(action, str(label), style)
        for action, (label, style) in _DESK_BUTTONS.items()
        if action in allowed
    ]
