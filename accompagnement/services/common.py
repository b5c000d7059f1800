"""Inputs and small checks shared by the accompagnement services (one place for each check)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from mds.forms import parse_id
from mds.permissions import can_act_in
from mds.roles import Role

from ..models import (
    MAX_DURATION_MINUTES,
)

if TYPE_CHECKING:
    from mds.models import MDS, User


#: The role under which sessions and ateliers are logged (forbidden acts are checked for it).
SESSION_ROLE: str = Role.MEDIATEUR
#: How far back a session or atelier may be logged.
MAX_BACKDATE_DAYS = 366

R = TypeVar("R", bound=models.Model)


@dataclass(frozen=True)
class DemarcheInput:
    """One démarche as submitted: reference ids (checked by the service), mode level 1..5."""

    kind_of_help: int
    mode_of_help: int
    organisme: int | None = None
    right: int | None = None
    declared_acts: tuple[int, ...] = ()


@dataclass
class Errors:
    by_field: dict[str, list[ValidationError]] = field(default_factory=dict)

    def add(self, name: str, message: str, code: str) -> None:
        self.by_field.setdefault(name, []).append(ValidationError(message, code=code))

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def local_today() -> dt.date:
    return timezone.localdate()


def require_role(user: User, mds: MDS, *roles: str) -> None:
    if not (user.is_active and can_act_in(user, mds.pk, *roles)):
        raise PermissionDenied(_("Vous n'avez pas le rôle nécessaire dans cette MDS."))


def as_id(value: Any) -> int | None:
    """An id from an int, a numeric string or a model instance; ``None`` for garbage.

    Strings go through :func:`mds.forms.parse_id`, the one id parser (ASCII digits only)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, models.Model):
        return int(value.pk)
    if isinstance(value, int):
        return value
    return parse_id(value) if isinstance(value, str) else None


def resolve_reference(
    model: type[R],
    value: Any,
    *,
    errors: Errors,
    name: str,
    unknown: str,
    prefix: str = "",
) -> R | None:
    """The active reference row ``value`` points to, or an error under ``name``."""
    pk = as_id(value)
    row = model._default_manager.filter(pk=pk).first() if pk is not None else None
    if row is None or not getattr(row, "is_active", True):
        errors.add(name, prefix + unknown, "unknown_reference")
        return None
    return row


def check_duration(minutes: Any, errors: Errors) -> None:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        errors.add("duration_minutes", _("Indiquez une durée en minutes."), "duration_invalid")
    elif not 1 <= minutes <= MAX_DURATION_MINUTES:
        errors.add(
            "duration_minutes",
            _("La durée doit être comprise entre 1 minute et 8 heures (480 minutes)."),
            "duration_range",
        )


def check_past_date(date: Any, today: dt.date, errors: Errors) -> None:
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        errors.add("date", _("Indiquez une date valide."), "date_invalid")
    elif date > today:
        errors.add(
            "date",
            _("La date ne peut pas être dans le futur : seul le prochain rendez-vous peut l'être."),
            "date_in_future",
        )
    elif date < today - dt.timedelta(days=MAX_BACKDATE_DAYS):
        errors.add("date", _("Cette date est trop ancienne (plus d'un an)."), "date_too_old")


def check_text(value: str, max_length: int, name: str, label: str, errors: Errors) -> str:
    cleaned = (value or "").strip()
    if len(cleaned) > max_length:
        errors.add(
            name,
            _("%(label)s : %(max)d caractères au plus.") % {"label": label, "max": max_length},
            "too_long",
        )
    return cleaned
