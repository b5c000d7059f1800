"""Usager profiles."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from mds.idempotency import create_once
from mds.roles import Role

from ..models import (
    AgeBand,
    InternetAtHome,
    Usager,
)
from .common import Errors, check_text, local_today, require_role

if TYPE_CHECKING:
    from mds.models import MDS, User

#: What a submitted profile says: a reused key must say the same to get the first profile back.
_CONTENT_FIELDS = (
    "mds_id",
    "created_by_id",
    "display_name",
    "birth_year",
    "age_band",
    "gender",
    "equipment",
    "internet_at_home",
    "languages",
    "notes",
)
#: Roles that may create an usager profile.
USAGER_CREATOR_ROLES: tuple[str, ...] = (Role.MEDIATEUR,)


@transaction.atomic
def create_usager(
    *,
    mds: MDS,
    created_by: User,
    display_name: str = "",
    birth_year: int | None = None,
    age_band: str = "",
    gender: str = "",
    equipment: Sequence[str] = (),
    internet_at_home: str = InternetAtHome.UNKNOWN,
    languages: str = "",
    notes: str = "",
    idempotency_key: uuid.UUID | None = None,
) -> Usager:
    """Create a light usager profile. The age band is derived from the birth year when known.

    Idempotent on ``idempotency_key``: a double submit returns the profile created first; the
    same key with other content (Back, edit, submit) is refused and nothing is written."""
    require_role(created_by, mds, *USAGER_CREATOR_ROLES)
    today = local_today()
    errors = Errors()
    if birth_year is not None and not (today.year - 120 <= birth_year <= today.year):
        errors.add("birth_year", _("Année de naissance invraisemblable."), "birth_year_range")
    elif birth_year is not None:
        age_band = AgeBand.for_birth_year(birth_year, today)
    # TextField max_length is not a model validator: the limit is checked here.
    notes = check_text(notes, 500, "notes", _("Remarques"), errors)
    errors.raise_if_any()
    usager = Usager(
        mds=mds,
        created_by=created_by,
        display_name=(display_name or "").strip(),
        birth_year=birth_year,
        age_band=age_band or "",
        gender=gender or "",
        equipment=list(dict.fromkeys(equipment)),
        internet_at_home=internet_at_home or InternetAtHome.UNKNOWN,
        languages=(languages or "").strip(),
        notes=notes,
        idempotency_key=idempotency_key,
    )
    usager.full_clean(exclude=["mds", "created_by", "idempotency_key"])

    def create() -> Usager:
        usager.save()
        return usager

    same = {name: getattr(usager, name) for name in _CONTENT_FIELDS}
    return create_once(Usager, idempotency_key, create, same=same)[0]
