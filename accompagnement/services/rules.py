"""The accompagnement rules that come from reference data: forbidden acts (what a role may not do)
and droits connexes (related rights to check after a démarche)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mds.roles import Role

from ..models import (
    Demarche,
    ForbiddenAct,
    RelatedRightCheck,
    RelatedRightRule,
    SocialRight,
)
from .common import SESSION_ROLE, DemarcheInput, as_id, require_role

if TYPE_CHECKING:
    from mds.models import User


@dataclass(frozen=True)
class RightSuggestion:
    """A related right to check, the rule that suggests it and the démarche that triggered it."""

    right: SocialRight
    rule: RelatedRightRule
    note: str
    demarche_index: int


def forbidden_acts_hit(
    *,
    role: str,
    organisme_id: int | None,
    kind_of_help_id: int,
    right_id: int | None,
    mode_of_help: int,
    declared: Iterable[ForbiddenAct] = (),
    acts: Iterable[ForbiddenAct] | None = None,
) -> list[ForbiddenAct]:
    """Active acts forbidden for ``role`` that this démarche hits (declared or by criteria)."""
    candidates = (
        list(acts) if acts is not None else list(ForbiddenAct.objects.filter(is_active=True))
    )
    hit: dict[int, ForbiddenAct] = {act.pk: act for act in declared if act.is_active}
    for act in candidates:
        if act.matches(
            organisme_id=organisme_id,
            kind_of_help_id=kind_of_help_id,
            right_id=right_id,
            mode_of_help=mode_of_help,
        ):
            hit.setdefault(act.pk, act)
    return [act for act in hit.values() if act.is_forbidden_for(role)]


def forbidden_message(act: ForbiddenAct, role: str) -> str:
    return _("« %(act)s » n'est pas permis au rôle %(role)s. %(why)s %(instead)s") % {
        "act": act.label,
        "role": Role(role).label,
        "why": act.explanation.strip(),
        "instead": act.suggestion.strip(),
    }


def _facts(item: DemarcheInput | Demarche) -> tuple[int | None, int | None, int | None]:
    if isinstance(item, Demarche):
        return item.organisme_id, item.kind_of_help_id, item.right_id
    return as_id(item.organisme), as_id(item.kind_of_help), as_id(item.right)


def suggest_related_rights(
    demarches: Sequence[DemarcheInput | Demarche],
) -> list[RightSuggestion]:
    """Related rights to check for these démarches, each right once, in rule order.

    A right that is already the subject of one of the démarches is not suggested.
    """
    facts = [_facts(item) for item in demarches]
    already = {right_id for _o, _k, right_id in facts if right_id is not None}
    rules = RelatedRightRule.objects.filter(
        is_active=True, suggested_right__is_active=True
    ).select_related("suggested_right")
    suggestions: dict[int, RightSuggestion] = {}
    for index, (organisme_id, kind_id, right_id) in enumerate(facts):
        if kind_id is None and organisme_id is None and right_id is None:
            continue
        for rule in rules:
            right = rule.suggested_right
            if right.pk in already or right.pk in suggestions:
                continue
            if rule.matches(
                organisme_id=organisme_id,
                kind_of_help_id=kind_id if kind_id is not None else -1,
                right_id=right_id,
            ):
                suggestions[right.pk] = RightSuggestion(
                    right=right, rule=rule, note=rule.note, demarche_index=index
                )
    return list(suggestions.values())


@transaction.atomic
def mark_right_checked(
    *, check: RelatedRightCheck, user: User, checked: bool = True
) -> RelatedRightCheck:
    """The mediator marks a suggested related right as checked (or unchecks it)."""
    require_role(user, check.session.mds, SESSION_ROLE)
    check.checked = checked
    check.checked_at = timezone.now() if checked else None
    check.checked_by = user if checked else None
    check.save(update_fields=["checked", "checked_at", "checked_by"])
    return check
