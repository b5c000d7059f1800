"""The collective workshop form, with anonymous head counts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mds.forms import add_service_error
from mds.idempotency import new_key
from mds.models import MDS, User

from ..models import (
    ATELIER_AGE_FIELDS,
    ATELIER_GENDER_FIELDS,
    Atelier,
    AtelierAudience,
    CoopTheme,
    Usager,
)
from ..services.ateliers import record_atelier
from .sessions import DateInput


def _count_field(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, initial=0, required=False)


class AtelierForm(forms.Form):
    """A collective workshop with anonymous head counts; :func:`record_atelier` decides."""

    audience = forms.ChoiceField(
        label=_("Public"), choices=AtelierAudience.choices, widget=forms.RadioSelect
    )
    theme = forms.CharField(label=_("Thème"), max_length=150)
    coop_theme = forms.ChoiceField(
        label=_("Thématique nationale"),
        choices=[("", _("— à préciser —")), *CoopTheme.choices],
        required=False,
    )
    date = forms.DateField(label=_("Date"), widget=DateInput)
    duration_minutes = forms.IntegerField(
        label=_("Durée (minutes)"), help_text=_("Entre 1 et 480 minutes (8 heures).")
    )
    participants = forms.ModelMultipleChoiceField(
        queryset=Usager.objects.none(), required=False, label=_("Participants nommés (facultatif)")
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, data: Any = None, *, animator: User, mds: MDS, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {
            "date": timezone.localdate(),
            "idempotency_key": new_key(),
            **kwargs["initial"],
        }
        super().__init__(data, **kwargs)
        self.animator = animator
        self.mds = mds
        participants = self.fields["participants"]
        assert isinstance(participants, forms.ModelMultipleChoiceField)
        participants.queryset = Usager.objects.filter(mds=mds)
        for name in [*ATELIER_AGE_FIELDS.values(), *ATELIER_GENDER_FIELDS.values()]:
            model_field = Atelier._meta.get_field(name)
            assert isinstance(model_field, models.Field)
            self.fields[name] = _count_field(model_field.verbose_name)

    def save(self) -> Atelier | None:
        """The atelier, or ``None`` when the service refused (messages added to the form)."""
        data = self.cleaned_data
        try:
            return record_atelier(
                animator=self.animator,
                mds=self.mds,
                idempotency_key=data["idempotency_key"],
                audience=data["audience"],
                theme=data["theme"],
                coop_theme=data.get("coop_theme") or "",
                date=data["date"],
                duration_minutes=data["duration_minutes"],
                age_counts={band: data.get(name) or 0 for band, name in ATELIER_AGE_FIELDS.items()},
                gender_counts={
                    gender: data.get(name) or 0 for gender, name in ATELIER_GENDER_FIELDS.items()
                },
                participants=list(data.get("participants") or ()),
            )
        except ValidationError as exc:
            add_service_error(self, exc)
            return None
