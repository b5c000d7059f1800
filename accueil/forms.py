"""Check-in and queue forms. Rules are in services; forms only parse and explain."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mds.models import User
from mds.roles import Role

from .models import INTERNAL_TARGETS, Language, Motive, Priority
from .selectors import motive_by_code


class CheckInForm(forms.Form):
    client_token = forms.UUIDField(widget=forms.HiddenInput)
    motive = forms.CharField(
        label=_("Motif de venue"),
        max_length=30,
        error_messages={"required": _("Choisissez le motif de venue.")},
    )
    alias = forms.CharField(
        label=_("Prénom ou pseudonyme (facultatif)"),
        max_length=40,
        required=False,
        help_text=_("Jamais de nom de famille ni de numéro : la personne peut rester anonyme."),
    )
    priority = forms.ChoiceField(
        label=_("Priorité"), choices=Priority.choices, required=False, widget=forms.RadioSelect
    )
    language = forms.ModelChoiceField(
        queryset=Language.objects.filter(is_active=True),
        to_field_name="code",
        label=_("Langue"),
        required=False,
        empty_label=_("Français / pas de besoin"),
        error_messages={"invalid_choice": _("Cette langue n'existe pas.")},
    )
    has_appointment = forms.BooleanField(label=_("A rendez-vous"), required=False)
    appointment_with = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label=_("Avec"),
        required=False,
        empty_label=_("— je ne sais pas —"),
        error_messages={"invalid_choice": _("Ce professionnel ne travaille pas dans cette MDS.")},
    )

    def __init__(
        self, *args: Any, professionals: QuerySet[User] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["appointment_with"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = professionals if professionals is not None else User.objects.none()
        self.fields["client_token"].error_messages = {
            "required": _("Le formulaire a expiré : recommencez l'enregistrement."),
            "invalid": _("Le formulaire a expiré : recommencez l'enregistrement."),
        }

    def clean_motive(self) -> Motive:
        # the buttons come from the cached reference list: no query on the hot path
        motive = motive_by_code(self.cleaned_data["motive"])
        if motive is None:
            raise forms.ValidationError(_("Ce motif n'existe pas : choisissez un des boutons."))
        return motive


class CallForm(forms.Form):
    desk = forms.CharField(
        label=_("Votre bureau"),
        max_length=40,
        error_messages={"required": _("Indiquez le bureau où la personne est appelée.")},
    )


class ActionForm(forms.Form):
    action = forms.CharField(max_length=20)
    desk = forms.CharField(max_length=40, required=False)
    target_role = forms.ChoiceField(
        label=_("Réorienter vers"),
        choices=[("", "—")] + [(r, Role(r).label) for r in INTERNAL_TARGETS],
        required=False,
    )
    partner = forms.CharField(label=_("ou partenaire extérieur"), max_length=120, required=False)
    reason = forms.CharField(label=_("Motif d'annulation"), max_length=200, required=False)
