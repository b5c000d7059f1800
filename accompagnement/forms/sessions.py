"""The mediation session form and its démarches (a formset). ``SessionForm.clean()`` calls
:func:`accompagnement.services.sessions.validate_session` and places each message next to its
field, so the page refuses exactly what the service refuses."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accueil.models import Passage
from mds.forms import add_service_error
from mds.idempotency import new_key
from mds.models import MDS, User

from ..models import (
    DISPLAY_NAME_MAX,
    DURATION_PRESETS,
    MODE_OF_HELP_DEFINITIONS,
    NOTE_MAX_LENGTH,
    AgeBand,
    ForbiddenAct,
    KindOfHelp,
    MediationSession,
    ModeOfHelp,
    Organisme,
    Origin,
    Outcome,
    SocialRight,
    Usager,
)
from ..selectors import usagers_visible_to
from ..services.common import DemarcheInput
from ..services.demarches import MAX_DEMARCHES
from ..services.sessions import log_session, validate_session
from ..services.usagers import create_usager

OTHER_DURATION = "autre"


def _duration_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def mode_of_help_help_text() -> str:
    return " ".join(
        f"{ModeOfHelp(level).label} : {definition}"
        for level, definition in MODE_OF_HELP_DEFINITIONS.items()
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DemarcheForm(forms.Form):
    """One démarche: organisme × kind of help, the mode of help, optional right and acts."""

    organisme = forms.ModelChoiceField(
        queryset=Organisme.objects.filter(is_active=True),
        required=False,
        label=_("Organisme"),
        empty_label=_("— aucun —"),
    )
    kind_of_help = forms.ModelChoiceField(
        queryset=KindOfHelp.objects.filter(is_active=True), label=_("Aide apportée")
    )
    mode_of_help = forms.TypedChoiceField(
        choices=ModeOfHelp.choices,
        coerce=int,
        widget=forms.RadioSelect,
        label=_("Mode d'aide"),
        help_text=mode_of_help_help_text(),
    )
    right = forms.ModelChoiceField(
        queryset=SocialRight.objects.filter(is_active=True),
        required=False,
        label=_("Droit concerné"),
        empty_label=_("— aucun —"),
        help_text=_("Facultatif : permet de proposer les droits connexes à vérifier."),
    )
    declared_acts = forms.ModelMultipleChoiceField(
        queryset=ForbiddenAct.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Cet accompagnement implique"),
        help_text=_("Cochez si c'est le cas : certains actes ne sont pas permis à votre rôle."),
    )

    #: Definition of each mode, for templates that show it under each radio button.
    mode_definitions = MODE_OF_HELP_DEFINITIONS

    def to_input(self) -> DemarcheInput:
        data = self.cleaned_data
        return DemarcheInput(
            kind_of_help=data["kind_of_help"].pk,
            mode_of_help=int(data["mode_of_help"]),
            organisme=data["organisme"].pk if data.get("organisme") else None,
            right=data["right"].pk if data.get("right") else None,
            declared_acts=tuple(act.pk for act in data.get("declared_acts") or ()),
        )


def demarche_formset(extra: int = 0) -> type[forms.BaseFormSet[DemarcheForm]]:
    """The démarches of a session: at least one; ``extra`` empty ones when the mediator asked
    "+ Ajouter une démarche" (without JavaScript, the form reloads with one more)."""
    return forms.formset_factory(
        DemarcheForm,
        extra=extra,
        min_num=1,
        validate_min=True,
        max_num=MAX_DEMARCHES,
        validate_max=True,
    )


#: Service error keys that land elsewhere than the field of the same name (the rest, e.g.
#: ``demarches`` or ``passage``, go to the top of the form when no field has their name).
_SERVICE_ERROR_FIELDS: dict[str, str | None] = {"duration_minutes": "duration_preset"}


class SessionForm(forms.Form):
    """The mediation session form, with its démarches in ``self.demarches`` (a formset)."""

    date = forms.DateField(label=_("Date"), widget=DateInput)
    duration_preset = forms.ChoiceField(
        label=_("Durée"),
        choices=[(str(m), _duration_label(m)) for m in DURATION_PRESETS]
        + [(OTHER_DURATION, _("Autre durée"))],
        widget=forms.RadioSelect,
        required=False,
    )
    duration_custom = forms.IntegerField(
        label=_("Autre durée (minutes)"),
        required=False,
        help_text=_("Entre 1 et 480 minutes (8 heures)."),
    )
    origin = forms.ModelChoiceField(
        queryset=Origin.objects.filter(is_active=True),
        label=_("Comment la personne est venue"),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    # Rendered by the picker (search + radio buttons), never as a <select> of every profile.
    usager = forms.ModelChoiceField(
        queryset=Usager.objects.none(),
        required=False,
        label=_("Personne"),
        empty_label=_("Anonyme"),
        help_text=_("Laisser « Anonyme » si la personne ne souhaite pas de suivi."),
    )
    usager_query = forms.CharField(
        label=_("Chercher une personne (prénom, pseudonyme ou n°)"),
        max_length=DISPLAY_NAME_MAX,
        required=False,
    )
    #: one-time key of the profile created from this form (a double tap creates one profile)
    new_usager_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    age_band = forms.ChoiceField(
        label=_("Tranche d'âge"),
        choices=[("", _("— non précisée —")), *AgeBand.choices],
        required=False,
        help_text=_("Obligatoire pour un accompagnement anonyme."),
    )
    outcome = forms.ModelChoiceField(
        queryset=Outcome.objects.filter(is_active=True),
        label=_("Issue"),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    next_appointment = forms.DateField(
        label=_("Prochain rendez-vous"),
        required=False,
        widget=DateInput,
        help_text=_("Obligatoire si la démarche est à poursuivre."),
    )
    file_number = forms.CharField(
        label=_("Numéro de dossier remis à la personne"),
        max_length=60,
        required=False,
        help_text=_("Ex. : numéro unique de demande de logement social."),
    )
    faire_pour_reason = forms.CharField(
        label=_("Motif du « faire pour »"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Pourquoi la personne ne pouvait pas faire elle-même, même accompagnée."),
    )
    consent_recorded = forms.BooleanField(
        label=_("La personne a donné son accord pour que je fasse à sa place"),
        required=False,
    )
    note = forms.CharField(
        label=_("Note (facultative)"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Ce qui a été fait, ce qui manque (%(max)d caractères au plus). Secret "
            "professionnel : seulement l'utile au suivi, aucune donnée de santé, d'opinion ou "
            "de vie privée."
        )
        % {"max": NOTE_MAX_LENGTH},
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(
        self,
        data: Any = None,
        *,
        mediator: User,
        mds: MDS,
        initial: dict[str, Any] | None = None,
        passage: Passage | None = None,
        extra_demarches: int = 0,
        demarche_initial: list[dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        self.passage = passage
        initial = {
            "date": timezone.localdate(),
            "duration_preset": "30",
            "idempotency_key": new_key(),
            "new_usager_key": new_key(),
            **(initial or {}),
        }
        super().__init__(data, initial=initial, **kwargs)
        self.mediator = mediator
        self.mds = mds
        usager_field = self.fields["usager"]
        assert isinstance(usager_field, forms.ModelChoiceField)
        usager_field.queryset = usagers_visible_to(mediator).filter(mds=mds)
        self.demarches = demarche_formset(extra_demarches)(
            data, prefix="demarches", initial=demarche_initial
        )

    def is_valid(self) -> bool:
        demarches_ok = self.demarches.is_valid()
        return super().is_valid() and demarches_ok

    def _duration(self, data: dict[str, Any]) -> int | None:
        preset = data.get("duration_preset") or ""
        if preset and preset != OTHER_DURATION:
            return int(preset)
        custom = data.get("duration_custom")
        if custom is None:
            self.add_error("duration_custom", _("Indiquez la durée en minutes."))
        return custom

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["duration_minutes"] = self._duration(data)
        if self.errors or not self.demarches.is_valid():
            return data  # the service only sees well-formed input
        try:
            validate_session(**self._service_kwargs(data))
        except ValidationError as exc:
            add_service_error(self, exc, fields=_SERVICE_ERROR_FIELDS)
        return data

    def _service_kwargs(self, data: dict[str, Any]) -> dict[str, Any]:
        return {
            "mediator": self.mediator,
            "mds": self.mds,
            "date": data["date"],
            "duration_minutes": data["duration_minutes"],
            "origin": data["origin"],
            "outcome": data["outcome"],
            "usager": data.get("usager"),
            "age_band": data.get("age_band") or "",
            "next_appointment": data.get("next_appointment"),
            "file_number": data.get("file_number") or "",
            "faire_pour_reason": data.get("faire_pour_reason") or "",
            "consent_recorded": bool(data.get("consent_recorded")),
            "note": data.get("note") or "",
            "demarches": [form.to_input() for form in self.demarches.forms],
        }

    def save(self) -> MediationSession | None:
        """Log the session (idempotent: a double submit returns the session already saved).

        ``None`` when the service refused at save time (messages added to the form)."""
        try:
            return log_session(
                idempotency_key=self.cleaned_data["idempotency_key"],
                passage=self.passage,
                **self._service_kwargs(self.cleaned_data),
            )
        except ValidationError as exc:
            add_service_error(self, exc, fields=_SERVICE_ERROR_FIELDS)
            return None


def _values(form: forms.Form, data: Any) -> dict[str, Any]:
    """What ``data`` says for each field of ``form``, as the widgets read it (no validation)."""
    return {
        name: field.widget.value_from_datadict(data, {}, form.add_prefix(name))
        for name, field in form.fields.items()
    }


def redisplay(
    data: Any,
    *,
    mediator: User,
    mds: MDS,
    passage: Passage | None,
    overrides: dict[str, Any] | None = None,
) -> SessionForm:
    """The session form again, unbound and without errors, showing everything ``data`` (a
    submitted draft: a search, a profile just created) said, with ``overrides`` on top.

    The submission key is kept, so the session saved afterwards is still the one of this form.
    Empty démarches beyond the first stay empty rows (they are not required on save)."""
    bound = SessionForm(data, mediator=mediator, mds=mds, passage=passage)
    initial = {k: v for k, v in _values(bound, data).items() if v not in (None, "", [])}
    initial.update(overrides or {})
    rows = [_values(form, data) for form in bound.demarches.forms]
    filled = [row for row in rows if row.get("kind_of_help") or row.get("organisme")]
    filled = filled or rows[:1]
    return SessionForm(
        mediator=mediator,
        mds=mds,
        initial=initial,
        passage=passage,
        extra_demarches=max(len(rows) - len(filled), 0),
        demarche_initial=filled or None,
    )


def create_profile_from(data: Any, *, mediator: User, mds: MDS) -> tuple[Usager | None, list[str]]:
    """Create the light profile named in the picker's search field of a submitted session form
    (the age band of the form too), so the mediator never leaves the form (#13).

    Returns the profile, or ``None`` and the French messages saying why not."""
    form = SessionForm(data, mediator=mediator, mds=mds)
    values = _values(form, data)
    name = str(values.get("usager_query") or "").strip()
    if not name:
        return None, [str(_("Pour créer un profil, tapez d'abord un prénom ou un pseudonyme."))]
    if len(name) > DISPLAY_NAME_MAX:
        message = _("Prénom ou pseudonyme : %(max)d caractères au plus.")
        return None, [str(message % {"max": DISPLAY_NAME_MAX})]
    band = str(values.get("age_band") or "")
    try:
        key = uuid.UUID(str(values.get("new_usager_key") or ""))
    except ValueError:
        key = None
    try:
        usager = create_usager(
            mds=mds,
            created_by=mediator,
            display_name=name,
            age_band=band if band in AgeBand.values else "",
            idempotency_key=key,
        )
    except ValidationError as exc:
        return None, list(exc.messages)
    return usager, []
