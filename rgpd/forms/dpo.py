"""Forms of the DPO's pages and of the person searches."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .vault import BIG


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Prénom, pseudonyme ou numéro"),
        required=False,
        max_length=80,
        widget=forms.TextInput(attrs={**BIG, "type": "search"}),
    )


class EraseForm(forms.Form):
    confirm = forms.CharField(
        label=_("Pour confirmer, tapez le numéro de la personne"),
        max_length=20,
        widget=forms.TextInput(attrs={**BIG, "inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, expected: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = str(expected)

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip()
        if value != self.expected:
            raise forms.ValidationError(_("Le numéro ne correspond pas : rien n'a été effacé."))
        return value
