"""Mediation sessions: the rules of a session (:func:`validate_session`, called by the form too so
that the page and the service refuse the same things) and its idempotent write."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accueil.services import Action, transition
from mds.idempotency import create_once
from rgpd.models import PurposeCode
from rgpd.selectors.consents import live_consent

from ..models import (
    NOTE_MAX_LENGTH,
    AgeBand,
    Demarche,
    MediationSession,
    ModeOfHelp,
    Origin,
    Outcome,
    RelatedRightCheck,
    Usager,
)
from .common import (
    SESSION_ROLE,
    DemarcheInput,
    Errors,
    as_id,
    check_duration,
    check_past_date,
    check_text,
    local_today,
    require_role,
    resolve_reference,
)
from .demarches import ResolvedDemarche, demarche_facts, resolve_demarches
from .rules import suggest_related_rights

if TYPE_CHECKING:
    from accueil.models import Passage
    from mds.models import MDS, User

#: How far ahead a next appointment may be set.
MAX_NEXT_APPOINTMENT_DAYS = 366


def _check_faire_pour_consent(*, consent_recorded: bool, usager: Usager | None) -> str | None:
    """The consent rule for *faire pour*; returns the error message, or ``None`` when satisfied.

    A named person needs a live consent record for "faire pour" in the vault (``rgpd``), given
    before and kept as proof; an anonymous session (no record possible) keeps the checkbox.
    """
    if usager is not None:
        if live_consent(usager=usager, purpose_code=PurposeCode.FAIRE_POUR) is None:
            return _(
                "Faire à la place de la personne exige son consentement : enregistrez-le dans "
                "son coffre (« Recueillir un consentement », finalité « faire une démarche à "
                "ma place »)."
            )
        return None
    if not consent_recorded:
        return _(
            "Faire à la place de la personne exige son consentement : cochez « consentement "
            "recueilli » après le lui avoir demandé."
        )
    return None


@dataclass(frozen=True)
class SessionPlan:
    """A session that passed every rule, with its reference rows resolved (nothing saved)."""

    date: dt.date
    duration_minutes: int
    origin: Origin
    outcome: Outcome
    usager: Usager | None
    age_band: str
    next_appointment: dt.date | None
    file_number: str
    faire_pour_reason: str
    consent_recorded: bool
    note: str
    demarches: tuple[ResolvedDemarche, ...]


def validate_session(
    *,
    mediator: User,
    mds: MDS,
    date: dt.date,
    duration_minutes: int,
    origin: int | Origin,
    outcome: int | Outcome,
    demarches: Sequence[DemarcheInput],
    usager: int | Usager | None = None,
    age_band: str = "",
    next_appointment: dt.date | None = None,
    file_number: str = "",
    faire_pour_reason: str = "",
    consent_recorded: bool = False,
    note: str = "",
) -> SessionPlan:
    """Check every rule of a mediation session; raise one ``ValidationError`` listing them all.

    Error keys are the field names (``date``, ``duration_minutes``, ``demarches``…) so that forms
    can place each message next to its field. Raises ``PermissionDenied`` when ``mediator`` is
    not a mediator in ``mds``.
    """
    require_role(mediator, mds, SESSION_ROLE)
    errors = Errors()
    today = local_today()
    check_duration(duration_minutes, errors)
    check_past_date(date, today, errors)
    origin_row = resolve_reference(
        Origin, origin, errors=errors, name="origin", unknown=_("Origine inconnue.")
    )
    outcome_row = resolve_reference(
        Outcome, outcome, errors=errors, name="outcome", unknown=_("Issue inconnue.")
    )

    usager_row: Usager | None = None
    if usager not in (None, ""):
        pk = as_id(usager)
        usager_row = Usager.objects.filter(pk=pk, mds=mds).first() if pk is not None else None
        if usager_row is None:
            errors.add("usager", _("Usager inconnu dans cette MDS."), "unknown_reference")
    band = age_band or ""
    if band and band not in AgeBand.values:
        errors.add("age_band", _("Tranche d'âge inconnue."), "unknown_reference")
    if usager_row is not None:
        band = usager_row.age_band or (
            AgeBand.for_birth_year(usager_row.birth_year, today) if usager_row.birth_year else band
        )
    elif usager in (None, "") and not band:
        errors.add(
            "age_band",
            _("Pour un accompagnement anonyme, indiquez la tranche d'âge."),
            "anonymous_age_band",
        )

    if next_appointment is not None:
        if not isinstance(next_appointment, dt.date) or isinstance(next_appointment, dt.datetime):
            errors.add("next_appointment", _("Indiquez une date valide."), "date_invalid")
        elif isinstance(date, dt.date) and next_appointment < date:
            errors.add(
                "next_appointment",
                _("Le prochain rendez-vous ne peut pas précéder l'accompagnement."),
                "next_before_date",
            )
        elif next_appointment > today + dt.timedelta(days=MAX_NEXT_APPOINTMENT_DAYS):
            errors.add(
                "next_appointment",
                _("Le prochain rendez-vous doit être fixé dans l'année."),
                "next_too_far",
            )
    if outcome_row is not None and outcome_row.requires_next_appointment and not next_appointment:
        errors.add(
            "next_appointment",
            _("« %(outcome)s » : indiquez la date du prochain rendez-vous.")
            % {"outcome": outcome_row.label},
            "next_appointment_required",
        )

    file_number = check_text(file_number, 60, "file_number", _("Numéro de dossier"), errors)
    reason = check_text(faire_pour_reason, 500, "faire_pour_reason", _("Motif"), errors)
    # TextField max_length is not a model validator: the note's limit is checked here.
    note = check_text(note, NOTE_MAX_LENGTH, "note", _("Note"), errors)
    resolved = resolve_demarches(demarches, errors)

    if any(item.mode_of_help == ModeOfHelp.FAIRE_POUR for item in demarches):
        if not reason:
            errors.add(
                "faire_pour_reason",
                _(
                    "Une démarche en « faire pour » exige un motif : pourquoi la personne "
                    "ne pouvait-elle pas la faire, même accompagnée ?"
                ),
                "faire_pour_reason_required",
            )
        consent_error = _check_faire_pour_consent(
            consent_recorded=bool(consent_recorded), usager=usager_row
        )
        if consent_error:
            errors.add("consent_recorded", consent_error, "faire_pour_consent_required")

    errors.raise_if_any()
    assert origin_row is not None and outcome_row is not None
    return SessionPlan(
        date=date,
        duration_minutes=duration_minutes,
        origin=origin_row,
        outcome=outcome_row,
        usager=usager_row,
        age_band=band,
        next_appointment=next_appointment,
        file_number=file_number,
        faire_pour_reason=reason,
        consent_recorded=bool(consent_recorded),
        note=note,
        demarches=tuple(resolved),
    )


def _check_passage(passage: Passage, *, mds: MDS) -> None:
    """A session comes from at most one accueil passage, of the same MDS."""
    if passage.mds_id != mds.pk:
        raise ValidationError(
            {"passage": [_("Ce passage n'est pas dans votre MDS.")]}, code="passage_other_mds"
        )
    if MediationSession.objects.filter(passage=passage).exists():
        raise ValidationError(
            {"passage": [_("Un accompagnement est déjà noté pour ce ticket.")]},
            code="passage_taken",
        )


@transaction.atomic
def log_session(
    *,
    mediator: User,
    mds: MDS,
    idempotency_key: uuid.UUID,
    date: dt.date,
    duration_minutes: int,
    origin: int | Origin,
    outcome: int | Outcome,
    demarches: Sequence[DemarcheInput],
    usager: int | Usager | None = None,
    age_band: str = "",
    next_appointment: dt.date | None = None,
    file_number: str = "",
    faire_pour_reason: str = "",
    consent_recorded: bool = False,
    note: str = "",
    passage: Passage | None = None,
) -> MediationSession:
    """Save a mediation session with its démarches and related-right suggestions.

    Idempotent on ``idempotency_key`` (:func:`mds.idempotency.create_once`): a second submit of
    the same form returns the session saved the first time; the same key with other content is
    refused and nothing is written. Closes the open follow-ups of the same usager in this MDS.
    """
    require_role(mediator, mds, SESSION_ROLE)
    plan = validate_session(
        mediator=mediator,
        mds=mds,
        date=date,
        duration_minutes=duration_minutes,
        origin=origin,
        outcome=outcome,
        demarches=demarches,
        usager=usager,
        age_band=age_band,
        next_appointment=next_appointment,
        file_number=file_number,
        faire_pour_reason=faire_pour_reason,
        consent_recorded=consent_recorded,
        note=note,
    )

    def create() -> MediationSession:
        if passage is not None:
            _check_passage(passage, mds=mds)
        return _save_session(plan, mediator=mediator, mds=mds, key=idempotency_key, passage=passage)

    same = {
        "mds_id": mds.pk,
        "mediator_id": mediator.pk,
        "passage_id": passage.pk if passage is not None else None,
        "date": plan.date,
        "duration_minutes": plan.duration_minutes,
        "origin_id": plan.origin.pk,
        "outcome_id": plan.outcome.pk,
        "usager_id": plan.usager.pk if plan.usager is not None else None,
        "age_band": plan.age_band,
        "next_appointment": plan.next_appointment,
        "file_number": plan.file_number,
        "faire_pour_reason": plan.faire_pour_reason,
        "consent_recorded": plan.consent_recorded,
        "note": plan.note,
    }
    planned = demarche_facts(plan.demarches)

    def same_demarches(found: MediationSession) -> bool:
        return demarche_facts(list(found.demarches.order_by("position"))) == planned

    return create_once(MediationSession, idempotency_key, create, same=same, check=same_demarches)[
        0
    ]


def _save_session(
    plan: SessionPlan, *, mediator: User, mds: MDS, key: uuid.UUID, passage: Passage | None
) -> MediationSession:
    session = MediationSession.objects.create(
        mds=mds,
        mediator=mediator,
        passage=passage,
        idempotency_key=key,
        date=plan.date,
        duration_minutes=plan.duration_minutes,
        origin=plan.origin,
        outcome=plan.outcome,
        usager=plan.usager,
        age_band=plan.age_band,
        next_appointment=plan.next_appointment,
        file_number=plan.file_number,
        faire_pour_reason=plan.faire_pour_reason,
        consent_recorded=plan.consent_recorded,
        note=plan.note,
    )
    created: list[Demarche] = []
    for position, item in enumerate(plan.demarches):
        demarche = Demarche.objects.create(
            session=session,
            organisme=item.organisme,
            kind_of_help=item.kind_of_help,
            mode_of_help=item.mode_of_help,
            right=item.right,
            position=position,
        )
        if item.declared_acts:
            demarche.declared_acts.set(item.declared_acts)
        created.append(demarche)

    for suggestion in suggest_related_rights(created):
        RelatedRightCheck.objects.create(
            session=session,
            demarche=created[suggestion.demarche_index],
            rule=suggestion.rule,
            right=suggestion.right,
        )

    if passage is not None and passage.status == "in_progress":
        # Logging the session ends the visit at the desk: one tap less for the mediator.
        transition(passage_id=passage.pk, actor=mediator, action=Action.FINISH)

    if plan.usager is not None:
        (
            MediationSession.objects.filter(
                usager=plan.usager,
                mds=mds,
                follow_up_done=False,
                outcome__needs_follow_up=True,
                date__lte=plan.date,
            )
            .exclude(pk=session.pk)
            .update(follow_up_done=True, follow_up_done_at=timezone.now())
        )
    return session


@transaction.atomic
def close_follow_up(*, session: MediationSession, user: User) -> MediationSession:
    """Mark a session's follow-up as done (the file is complete or the person will not return)."""
    require_role(user, session.mds, SESSION_ROLE)
    if not session.follow_up_done:
        session.follow_up_done = True
        session.follow_up_done_at = timezone.now()
        session.save(update_fields=["follow_up_done", "follow_up_done_at"])
    return session
