"""Collective workshops (ateliers): anonymous head counts, optional named participants."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from mds.idempotency import create_once

from ..models import (
    ATELIER_AGE_FIELDS,
    ATELIER_GENDER_FIELDS,
    Atelier,
    AtelierAudience,
    CoopTheme,
    Usager,
)
from .common import (
    SESSION_ROLE,
    Errors,
    as_id,
    check_duration,
    check_past_date,
    check_text,
    local_today,
    require_role,
)

if TYPE_CHECKING:
    from mds.models import MDS, User

MAX_ATELIER_HEADCOUNT = 1000


def _check_counts(
    counts: Mapping[str, int], allowed: Mapping[str, str], name: str, errors: Errors
) -> dict[str, int]:
    values: dict[str, int] = {}
    for key, count in counts.items():
        if key not in allowed:
            errors.add(name, _("Catégorie inconnue : %(key)s.") % {"key": key}, "unknown_reference")
        elif isinstance(count, bool) or not isinstance(count, int) or count < 0:
            errors.add(name, _("Les effectifs sont des nombres positifs."), "count_invalid")
        else:
            values[allowed[key]] = count
    return values


@transaction.atomic
def record_atelier(
    *,
    animator: User,
    mds: MDS,
    idempotency_key: uuid.UUID,
    audience: str,
    theme: str,
    date: dt.date,
    duration_minutes: int,
    age_counts: Mapping[str, int],
    gender_counts: Mapping[str, int],
    coop_theme: str = "",
    participants: Sequence[int | Usager] = (),
) -> Atelier:
    """Record a collective workshop with anonymous head counts (by age band and by gender).

    ``age_counts`` keys are :class:`AgeBand` values or ``""`` (age not given); ``gender_counts``
    keys are :class:`~accompagnement.models.Gender` values or ``""``. Both must add up to the
    same total. Idempotent on ``idempotency_key``: the same key with other content is refused.
    """
    require_role(animator, mds, SESSION_ROLE)
    errors = Errors()
    check_duration(duration_minutes, errors)
    check_past_date(date, local_today(), errors)
    if audience not in AtelierAudience.values:
        errors.add("audience", _("Public inconnu."), "unknown_reference")
    if coop_theme and coop_theme not in CoopTheme.values:
        errors.add("coop_theme", _("Thématique inconnue."), "unknown_reference")
    theme = check_text(theme, 150, "theme", _("Thème"), errors)
    if not theme:
        errors.add("theme", _("Indiquez le thème de l'atelier."), "required")
    by_age = _check_counts(age_counts, ATELIER_AGE_FIELDS, "age_counts", errors)
    by_gender = _check_counts(gender_counts, ATELIER_GENDER_FIELDS, "gender_counts", errors)
    total = sum(by_gender.values())
    if not errors.by_field:
        if total == 0:
            errors.add("gender_counts", _("Un atelier compte au moins un participant."), "empty")
        elif sum(by_age.values()) != total:
            errors.add(
                "age_counts",
                _(
                    "Le total par tranche d'âge (%(age)d) doit égaler le total par genre "
                    "(%(gender)d) ; utilisez « non précisé » si besoin."
                )
                % {"age": sum(by_age.values()), "gender": total},
                "counts_disagree",
            )
        elif total > MAX_ATELIER_HEADCOUNT:
            errors.add("gender_counts", _("Effectif invraisemblable."), "count_invalid")
    participant_ids = {pk for pk in (as_id(p) for p in participants) if pk is not None}
    named = list(Usager.objects.filter(pk__in=participant_ids, mds=mds))
    if len(named) != len(participant_ids) or len(participant_ids) != len(participants):
        errors.add("participants", _("Participant inconnu dans cette MDS."), "unknown_reference")
    elif len(named) > total:
        errors.add(
            "participants",
            _("Plus de participants nommés que de participants comptés."),
            "too_many_participants",
        )
    errors.raise_if_any()

    def create() -> Atelier:
        atelier = Atelier.objects.create(
            mds=mds,
            animator=animator,
            idempotency_key=idempotency_key,
            audience=audience,
            theme=theme,
            coop_theme=coop_theme,
            date=date,
            duration_minutes=duration_minutes,
            **by_age,
            **by_gender,
        )
        if named:
            atelier.participants.set(named)
        return atelier

    same = {
        "mds_id": mds.pk,
        "animator_id": animator.pk,
        "audience": audience,
        "theme": theme,
        "coop_theme": coop_theme,
        "date": date,
        "duration_minutes": duration_minutes,
        **{name: by_age.get(name, 0) for name in ATELIER_AGE_FIELDS.values()},
        **{name: by_gender.get(name, 0) for name in ATELIER_GENDER_FIELDS.values()},
    }
    named_ids = {usager.pk for usager in named}

    def same_participants(found: Atelier) -> bool:
        return set(found.participants.values_list("pk", flat=True)) == named_ids

    return create_once(Atelier, idempotency_key, create, same=same, check=same_participants)[0]
