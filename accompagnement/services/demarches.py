"""The démarches of a session: each one resolved against the reference tables and checked
against the forbidden acts of the session's role (:mod:`.rules`), in one pass."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from ..models import (
    Demarche,
    ForbiddenAct,
    KindOfHelp,
    ModeOfHelp,
    Organisme,
    SocialRight,
)
from .common import (
    SESSION_ROLE,
    DemarcheInput,
    Errors,
    as_id,
    resolve_reference,
)
from .rules import forbidden_acts_hit, forbidden_message

#: Most démarches one session may list.
MAX_DEMARCHES = 20


@dataclass(frozen=True)
class ResolvedDemarche:
    organisme: Organisme | None
    kind_of_help: KindOfHelp
    mode_of_help: int
    right: SocialRight | None
    declared_acts: tuple[ForbiddenAct, ...]


def resolve_demarches(demarches: Sequence[DemarcheInput], errors: Errors) -> list[ResolvedDemarche]:
    """Each démarche with its reference rows; refusals (unknown rows, forbidden acts) go to
    ``errors`` under ``demarches``, prefixed with the démarche's number."""
    if not demarches:
        errors.add("demarches", _("Ajoutez au moins une démarche."), "no_demarche")
        return []
    if len(demarches) > MAX_DEMARCHES:
        errors.add(
            "demarches",
            _("Pas plus de %(max)d démarches par accompagnement.") % {"max": MAX_DEMARCHES},
            "too_many_demarches",
        )
        return []
    acts = list(ForbiddenAct.objects.filter(is_active=True))
    acts_by_id = {act.pk: act for act in acts}
    resolved: list[ResolvedDemarche] = []
    for index, item in enumerate(demarches, start=1):
        prefix = _("Démarche n° %(n)d : ") % {"n": index}
        local = Errors()
        kind = resolve_reference(
            KindOfHelp,
            item.kind_of_help,
            errors=local,
            name="demarches",
            unknown=_("type d'aide inconnu."),
            prefix=prefix,
        )
        organisme = None
        if item.organisme not in (None, ""):
            organisme = resolve_reference(
                Organisme,
                item.organisme,
                errors=local,
                name="demarches",
                unknown=_("organisme inconnu."),
                prefix=prefix,
            )
        right = None
        if item.right not in (None, ""):
            right = resolve_reference(
                SocialRight,
                item.right,
                errors=local,
                name="demarches",
                unknown=_("droit inconnu."),
                prefix=prefix,
            )
        mode = item.mode_of_help
        if isinstance(mode, bool) or mode not in ModeOfHelp.values:
            local.add("demarches", prefix + _("mode d'aide inconnu."), "unknown_reference")
        declared: list[ForbiddenAct] = []
        for act_id in item.declared_acts:
            act = acts_by_id.get(as_id(act_id) or -1)
            if act is None:
                local.add("demarches", prefix + _("acte inconnu."), "unknown_reference")
            else:
                declared.append(act)
        if local.by_field:
            for error in local.by_field["demarches"]:
                errors.by_field.setdefault("demarches", []).append(error)
            continue
        assert kind is not None
        for act in forbidden_acts_hit(
            role=SESSION_ROLE,
            organisme_id=organisme.pk if organisme else None,
            kind_of_help_id=kind.pk,
            right_id=right.pk if right else None,
            mode_of_help=mode,
            declared=declared,
            acts=acts,
        ):
            errors.add("demarches", prefix + forbidden_message(act, SESSION_ROLE), "forbidden_act")
        resolved.append(
            ResolvedDemarche(
                organisme=organisme,
                kind_of_help=kind,
                mode_of_help=int(mode),
                right=right,
                declared_acts=tuple(declared),
            )
        )
    return resolved


def demarche_facts(demarches: Sequence[ResolvedDemarche | Demarche]) -> list[tuple[Any, ...]]:
    """What a session's démarches say, comparable between a plan and saved rows."""
    facts: list[tuple[Any, ...]] = []
    for item in demarches:
        if isinstance(item, Demarche):
            acts = {act.pk for act in item.declared_acts.all()}
            ids = (item.organisme_id, item.kind_of_help_id, item.right_id)
        else:
            acts = {act.pk for act in item.declared_acts}
            ids = (
                item.organisme.pk if item.organisme else None,
                item.kind_of_help.pk,
                item.right.pk if item.right else None,
            )
        facts.append((*ids, int(item.mode_of_help), frozenset(acts)))
    return facts
