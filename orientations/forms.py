"""Forms of the orientations app (French labels; the services re-check every rule)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mds.forms import IdempotentForm
from mds.models import MDS, Membership
from mds.roles import Role

from .models import (
    MESSAGE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    TARGET_ROLES,
    DeclineReason,
    Need,
    Partner,
    ReasonCategory,
    Urgency,
)

BIG = {"class": "form-control form-control-lg"}
RADIO = forms.RadioSelect(attrs={"class": "form-check-input"})
CHECKS = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})

SECRET_REMINDER = _(
    "Secret professionnel : n'écrivez que ce qui est utile au collègue pour recevoir la "
    "personne. Pas de diagnostic, pas d'histoire familiale, pas d'identifiant ni de mot de passe."
)


def target_choices(*, mds: MDS, exclude_user_id: int) -> list[tuple[Any, Any]]:
    """Grouped choices: a role of the MDS, a named professional, a partner of the directory."""
    labels = dict(Role.choices)
    roles = [
        (f"role:{role}", _("Tout « %(role)s »") % {"role": labels[role]}) for role in TARGET_ROLES
    ]
    people = [
        (f"user:{m.user_id}", f"{m.user} — {m.get_role_display()}")
        for m in Membership.objects.filter(
            mds=mds, role__in=TARGET_ROLES, is_active=True, user__is_active=True
        )
        .exclude(user_id=exclude_user_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "role")
    ]
    partners = [
        (f"partner:{p.pk}", f"{p.nom} ({p.commune})" if p.commune else p.nom)
        for p in Partner.objects.filter(is_active=True).only("pk", "nom", "commune")
    ]
    choices: list[tuple[Any, Any]] = [("", _("— choisir —")), (_("Un rôle de la MDS"), roles)]
    if people:
        choices.append((_("Un professionnel"), people))
    if partners:
        choices.append((_("Un partenaire de l'annuaire"), partners))
    return choices


class ReferralForm(IdempotentForm):
    pseudonym = forms.CharField(
        label=_("Prénom ou pseudonyme"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs=BIG),
        help_text=_("Si la personne n'a pas de profil : un prénom ou un pseudonyme suffit."),
    )
    target = forms.ChoiceField(
        label=_("Orienter vers"), widget=forms.Select(attrs={"class": "form-select form-select-lg"})
    )
    reason_category = forms.ModelChoiceField(
        label=_("Motif"),
        queryset=ReasonCategory.objects.filter(is_active=True),
        widget=forms.Select(attrs={"class": "form-select form-select-lg"}),
        empty_label=_("— choisir —"),
    )
    needs = forms.ModelMultipleChoiceField(
        label=_("Ce que le collègue doit savoir"),
        queryset=Need.objects.filter(is_active=True),
        required=False,
        widget=CHECKS,
    )
    urgency = forms.ChoiceField(
        label=_("Urgence"), choices=Urgency.choices, initial=Urgency.NORMAL, widget=RADIO
    )
    note = forms.CharField(
        label=_("Note courte"),
        required=False,
        # no maxlength attribute: the server counts and explains, keeping what was typed
        widget=forms.Textarea(attrs={**BIG, "rows": 3}),
        help_text=SECRET_REMINDER,
    )
    restricted = forms.BooleanField(
        label=_("Confidentielle : information préoccupante / protection de l'enfance"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        help_text=_(
            "Visible seulement par vous, le professionnel nommé et la direction de la MDS."
        ),
    )
    consent_given = forms.BooleanField(
        label=_("La personne a entendu ce texte et est d'accord"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    usager = forms.IntegerField(required=False, widget=forms.HiddenInput)
    origin_session = forms.IntegerField(required=False, widget=forms.HiddenInput)
    origin_passage = forms.IntegerField(required=False, widget=forms.HiddenInput)

    note_max_length = NOTE_MAX_LENGTH

    def __init__(self, *args: Any, mds: MDS, user_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target: forms.ChoiceField = self.fields["target"]  # type: ignore[assignment]
        target.choices = target_choices(mds=mds, exclude_user_id=user_id)

    def target_parts(self) -> tuple[str, int | str]:
        kind, _sep, value = self.cleaned_data["target"].partition(":")
        return kind, int(value) if kind in ("user", "partner") else value


class AcceptForm(forms.Form):
    appointment_at = forms.DateTimeField(
        label=_("Date et heure du rendez-vous"),
        widget=forms.DateTimeInput(
            attrs={**BIG, "type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )
    appointment_place = forms.CharField(
        label=_("Lieu"), max_length=150, widget=forms.TextInput(attrs=BIG)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "appointment_at": (timezone.localtime() + dt.timedelta(days=2)).replace(
                    minute=0, second=0, microsecond=0
                )
            },
        )
        super().__init__(*args, **kwargs)


class DeclineForm(forms.Form):
    reason = forms.ModelChoiceField(
        label=_("Motif du refus"),
        queryset=DeclineReason.objects.filter(is_active=True),
        widget=RADIO,
        empty_label=None,
    )
    message = forms.CharField(
        label=_("Message pour la personne qui a orienté"),
        required=False,
        widget=forms.Textarea(attrs={**BIG, "rows": 3}),
        help_text=_("%(n)d caractères au plus.") % {"n": MESSAGE_MAX_LENGTH},
    )


class CloseForm(forms.Form):
    outcome = forms.CharField(
        label=_("Suite donnée"),
        widget=forms.Textarea(attrs={**BIG, "rows": 3}),
        help_text=SECRET_REMINDER,
    )


class DirectorySearchForm(forms.Form):
    thematique = forms.ChoiceField(
        label=_("Thématique"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-lg"}),
    )
    jour = forms.TypedChoiceField(
        label=_("Jour"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("Tous les jours")),
            (0, _("lundi")),
            (1, _("mardi")),
            (2, _("mercredi")),
            (3, _("jeudi")),
            (4, _("vendredi")),
            (5, _("samedi")),
        ],
        widget=forms.Select(attrs={"class": "form-select form-select-lg"}),
    )
    commune = forms.ChoiceField(
        label=_("Commune"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-lg"}),
    )

    def __init__(
        self, *args: Any, thematiques: list[tuple[str, str]], communes: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        thematique: forms.ChoiceField = self.fields["thematique"]  # type: ignore[assignment]
        thematique.choices = [("", _("Toutes")), *thematiques]
        commune: forms.ChoiceField = self.fields["commune"]  # type: ignore[assignment]
        commune.choices = [("", _("Toutes")), *[(c, c) for c in communes]]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Fichier CSV ou JSON (champs data·inclusion)"))
