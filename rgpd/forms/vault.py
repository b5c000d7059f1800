"""Forms of the mediator's vault pages (French labels; the services re-check every rule)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mds.forms import IdempotentForm

from ..models import (
    ConsentMethod,
    ConsentPurpose,
    CredentialService,
    DocumentKind,
    JournalReason,
)
from ..retention import (
    credential_ttl_days,
    credential_ttl_max_days,
    document_ttl_hours,
    document_ttl_max_hours,
    duration_text,
)
from ..rules import DESTROY_REASONS, REVEAL_REASONS
from ..signatures import decode_data_url

BIG = {"class": "form-control form-control-lg"}
BIG_SELECT = {"class": "form-select form-select-lg"}


def _reason_choices(codes: tuple[str, ...]) -> list[tuple[str, str]]:
    labels = dict(JournalReason.choices)
    return [(code, str(labels[code])) for code in codes]


class ConsentForm(IdempotentForm):
    purpose = forms.ChoiceField(
        label=_("Finalité"), widget=forms.RadioSelect(attrs={"class": "form-check-input"})
    )
    method = forms.ChoiceField(
        label=_("Comment la personne a donné son accord"),
        choices=ConsentMethod.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    text_read = forms.BooleanField(
        label=_("J'ai lu ou montré ce texte à la personne et elle l'a accepté."),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    #: The drawing as a PNG data URL, filled by static/js/signature.js; checked by the service.
    signature = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        purposes = ConsentPurpose.objects.filter(is_active=True).prefetch_related("texts")
        self.fields["purpose"].choices = [(p.code, p.label) for p in purposes]  # type: ignore[attr-defined]
        self.purposes = list(purposes)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        drawn = data.get("signature") or ""
        data["signature_png"] = None
        # Only a tablet signature is read: a drawing left behind by another choice is dropped.
        if data.get("method") == ConsentMethod.TABLET_SIGNATURE and drawn:
            try:
                data["signature_png"] = decode_data_url(drawn)
            except forms.ValidationError as error:
                self.add_error(None, error)
        return data


class CredentialForm(IdempotentForm):
    service = forms.ChoiceField(
        label=_("Service"), choices=CredentialService.choices, widget=forms.Select(attrs=BIG_SELECT)
    )
    identifier = forms.CharField(
        label=_("Identifiant"),
        max_length=254,
        widget=forms.TextInput(attrs={**BIG, "autocomplete": "off", "spellcheck": "false"}),
    )
    secret = forms.CharField(
        label=_("Mot de passe ou code"),
        max_length=500,
        strip=False,
        widget=forms.PasswordInput(attrs={**BIG, "autocomplete": "new-password"}),
    )
    ttl_days = forms.IntegerField(
        label=_("Garder pendant (jours)"),
        min_value=1,
        widget=forms.NumberInput(attrs=BIG),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["ttl_days"]
        field.initial = credential_ttl_days()
        field.widget.attrs["max"] = credential_ttl_max_days()
        field.help_text = _("%(default)d jours par défaut, %(max)d au plus.") % {
            "default": credential_ttl_days(),
            "max": credential_ttl_max_days(),
        }

    def clean_ttl_days(self) -> int:
        value = int(self.cleaned_data["ttl_days"])
        if value > credential_ttl_max_days():
            raise forms.ValidationError(
                _("Au plus %(max)d jours : le coffre ne garde rien plus longtemps.")
                % {"max": credential_ttl_max_days()}
            )
        return value


def _max_days() -> str:
    """The documents' maximum in days, as said to the mediator ("30 jours")."""
    return duration_text(document_ttl_max_hours() // 24, "days")


class DocumentForm(IdempotentForm):
    kind = forms.ChoiceField(
        label=_("Type de document"),
        choices=DocumentKind.choices,
        widget=forms.Select(attrs=BIG_SELECT),
    )
    file = forms.FileField(
        label=_("Photo ou fichier"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={
                "class": "form-control form-control-lg",
                "accept": "image/*,application/pdf",
                "capture": "environment",
            }
        ),
        help_text=_(
            "Photographiez le document avec la tablette ou choisissez un fichier "
            "(PDF, JPEG ou PNG)."
        ),
    )
    ttl_hours = forms.IntegerField(
        label=_("Garder pendant (heures)"), min_value=1, widget=forms.NumberInput(attrs=BIG)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["ttl_hours"]
        field.initial = document_ttl_hours()
        field.widget.attrs["max"] = document_ttl_max_hours()
        field.help_text = _("%(default)d heures par défaut, %(max)d au plus (%(days)s).") % {
            "default": document_ttl_hours(),
            "max": document_ttl_max_hours(),
            "days": _max_days(),
        }

    def clean_ttl_hours(self) -> int:
        value = int(self.cleaned_data["ttl_hours"])
        if value > document_ttl_max_hours():
            raise forms.ValidationError(
                _("Au plus %(max)d heures (%(days)s) : le coffre ne garde rien plus longtemps.")
                % {"max": document_ttl_max_hours(), "days": _max_days()}
            )
        return value


class RevealForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Motif"),
        choices=_reason_choices(REVEAL_REASONS),
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    note = forms.CharField(
        label=_("Précision (facultative, non enregistrée)"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={**BIG, "autocomplete": "off"}),
        help_text=_("Pour vous seulement : ce texte n'est ni conservé ni journalisé."),
    )


class DestroyForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Motif"),
        choices=_reason_choices(DESTROY_REASONS),
        initial=JournalReason.HAND_OVER,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
