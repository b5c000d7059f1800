"""The form of a person's reminder contact (filled by the mediator on the person's page)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channel, Contact
from .services import InvalidAddress, normalise_email, normalise_phone


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ("channel", "phone", "email", "language")
        widgets = {
            "channel": forms.RadioSelect,
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }
        error_messages = {"email": {"invalid": _("Adresse de courriel invalide.")}}
        help_texts = {
            "phone": _("Un mobile français (06 12 34 56 78) ou un numéro international (+…)."),
            "language": _("Les rappels sont courts, dans cette langue, sans motif ni démarche."),
        }

    def clean_phone(self) -> str:
        raw = (self.cleaned_data.get("phone") or "").strip()
        if not raw:
            return ""
        try:
            return normalise_phone(raw)
        except InvalidAddress as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc

    def clean_email(self) -> str:
        raw = (self.cleaned_data.get("email") or "").strip()
        if not raw:
            return ""
        try:
            return normalise_email(raw)
        except InvalidAddress as exc:
            raise forms.ValidationError(str(exc), code="invalid") from exc

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        channel = data.get("channel")
        if channel == Channel.SMS and not data.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Indiquez le numéro de téléphone pour des rappels par SMS."))
        if channel == Channel.EMAIL and not data.get("email") and "email" not in self.errors:
            self.add_error("email", _("Indiquez le courriel pour des rappels par courriel."))
        return data
