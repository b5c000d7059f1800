"""The light usager profile form; :func:`accompagnement.services.usagers.create_usager` decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mds.forms import IdempotentForm, add_service_error
from mds.models import MDS, User

from ..models import (
    AgeBand,
    Equipment,
    Gender,
    InternetAtHome,
    Usager,
)
from ..services.usagers import create_usager


class UsagerForm(IdempotentForm):
    """A light usager profile; :func:`create_usager` decides."""

    display_name = forms.CharField(
        label=_("Prénom ou pseudonyme"),
        max_length=80,
        required=False,
        help_text=_("Facultatif. Un prénom ou un pseudonyme suffit."),
    )
    birth_year = forms.IntegerField(label=_("Année de naissance"), required=False)
    age_band = forms.ChoiceField(
        label=_("Tranche d'âge"),
        choices=[("", _("— non précisée —")), *AgeBand.choices],
        required=False,
    )
    gender = forms.ChoiceField(
        label=_("Genre"), choices=[("", _("— non précisé —")), *Gender.choices], required=False
    )
    equipment = forms.MultipleChoiceField(
        label=_("Équipement"),
        choices=Equipment.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    internet_at_home = forms.ChoiceField(
        label=_("Internet à domicile"),
        choices=InternetAtHome.choices,
        initial=InternetAtHome.UNKNOWN,
        widget=forms.RadioSelect,
    )
    languages = forms.CharField(label=_("Langues parlées"), max_length=120, required=False)
    notes = forms.CharField(
        label=_("Remarques"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=Usager._meta.get_field("notes").help_text,
    )

    def __init__(self, data: Any = None, *, created_by: User, mds: MDS, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        self.created_by = created_by
        self.mds = mds

    def save(self) -> Usager | None:
        """The new usager, or ``None`` when the service refused (messages added to the form)."""
        try:
            return create_usager(mds=self.mds, created_by=self.created_by, **self.cleaned_data)
        except ValidationError as exc:
            add_service_error(self, exc)
            return None
