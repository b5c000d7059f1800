"""Writes of the accompagnement app that carry a rule: sessions, usagers, ateliers, droits connexes.

Every rule lives here once; the forms call :func:`validate_session` so that the page and the
service refuse the same things with the same French messages. Services are keyword-only and
transactional; the session and atelier writes are idempotent on a client-generated key (a double
submit returns the row already saved).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mds.idempotency import create_once
from mds.permissions import can_act_in
from mds.roles import Role

from .models import (
    ATELIER_AGE_FIELDS,
    ATELIER_GENDER_FIELDS,
    MAX_DURATION_MINUTES,
    AgeBand,
    Atelier,
    AtelierAudience,
    CoopTheme,
    Demarche,
    ForbiddenAct,
    InternetAtHome,
    KindOfHelp,
    MediationSession,
    ModeOfHelp,
    Organisme,
    Origin,
    Outcome,
    RelatedRightCheck,
    RelatedRightRule,
    SocialRight,
    Usager,
)

if TYPE_CHECKING:
    from accueil.models import Passage
    from mds.models import MDS, User

#: The role under which sessions and ateliers are logged (forbidden acts are checked for it).
SESSION_ROLE: str = Role.MEDIATEUR
#: Roles that may create an usager profile.
USAGER_CREATOR_ROLES: tuple[str, ...] = (Role.MEDIATEUR,)
#: How far back a session may be logged, and how far ahead a next appointment may be set.
MAX_BACKDATE_DAYS = 366
MAX_NEXT_APPOINTMENT_DAYS = 366
MAX_DEMARCHES = 20
MAX_ATELIER_HEADCOUNT = 1000

R = TypeVar("R", bound=models.Model)

_IDEMPOTENCY_CONFLICT = gettext_lazy(
    "Ce formulaire a déjà été enregistré par une autre personne ; rechargez la page."
)


# --------------------------------------------------------------------------------------------
# Inputs and small helpers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemarcheInput:
    """One démarche as submitted: reference ids (checked by the service), mode level 1..5."""

    kind_of_help: int
    mode_of_help: int
    organisme: int | None = None
    right: int | None = None
    declared_acts: tuple[int, ...] = ()


@dataclass(frozen=True)
class RightSuggestion:
    """A related right to check, the rule that suggests it and the démarche that triggered it."""

    right: SocialRight
    rule: RelatedRightRule
    note: str
    demarche_index: int


@dataclass
class _Errors:
    by_field: dict[str, list[ValidationError]] = field(default_factory=dict)

    def add(self, name: str, message: str, code: str) -> None:
        self.by_field.setdefault(name, []).append(ValidationError(message, code=code))

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def _today() -> dt.date:
    return timezone.localdate()


def _require_role(user: User, mds: MDS, *roles: str) -> None:
    if not (user.is_active and can_act_in(user, mds.pk, *roles)):
        raise PermissionDenied(_("Vous n'avez pas le rôle nécessaire dans cette MDS."))


def _as_id(value: Any) -> int | None:
    """An id from an int, a numeric string or a model instance; ``None`` for garbage."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, models.Model):
        return int(value.pk)
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _resolve(
    model: type[R],
    value: Any,
    *,
    errors: _Errors,
    name: str,
    unknown: str,
    prefix: str = "",
) -> R | None:
    """The active reference row ``value`` points to, or an error under ``name``."""
    pk = _as_id(value)
    row = model._default_manager.filter(pk=pk).first() if pk is not None else None
    if row is None or not getattr(row, "is_active", True):
        errors.add(name, prefix + unknown, "unknown_reference")
        return None
    return row


def _check_duration(minutes: Any, errors: _Errors) -> None:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        errors.add("duration_minutes", _("Indiquez une durée en minutes."), "duration_invalid")
    elif not 1 <= minutes <= MAX_DURATION_MINUTES:
        errors.add(
            "duration_minutes",
            _("La durée doit être comprise entre 1 minute et 8 heures (480 minutes)."),
            "duration_range",
        )


def _check_past_date(date: Any, today: dt.date, errors: _Errors) -> None:
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


def _check_text(value: str, max_length: int, name: str, label: str, errors: _Errors) -> str:
    cleaned = (value or "").strip()
    if len(cleaned) > max_length:
        errors.add(
            name,
            _("%(label)s : %(max)d caractères au plus.") % {"label": label, "max": max_length},
            "too_long",
        )
    return cleaned


def _check_faire_pour_consent(*, consent_recorded: bool, usager: Usager | None) -> str | None:
    """The consent rule for *faire pour*; returns the error message, or ``None`` when satisfied.

    A named person needs a live consent record for "faire pour" in the vault (``rgpd``), given
    before and kept as proof; an anonymous session (no record possible) keeps the checkbox.
    """
    if usager is not None:
        from rgpd.models import PurposeCode
        from rgpd.services import live_consent

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


# --------------------------------------------------------------------------------------------
# Mediation sessions
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ResolvedDemarche:
    organisme: Organisme | None
    kind_of_help: KindOfHelp
    mode_of_help: int
    right: SocialRight | None
    declared_acts: tuple[ForbiddenAct, ...]


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
    demarches: tuple[_ResolvedDemarche, ...]


def forbidden_acts_hit(
    *,
    role: str,
    organisme_id: int | None,
    kind_of_help_id: int,
    right_id: int | None,
    mode_of_help: int,
    declared: Iterable[ForbiddenAct] = (),
    acts: Iterable[ForbiddenAct] | None = None,
) -> list[ForbiddenAct]:
    """Active acts forbidden for ``role`` that this démarche hits (declared or by criteria)."""
    candidates = (
        list(acts) if acts is not None else list(ForbiddenAct.objects.filter(is_active=True))
    )
    hit: dict[int, ForbiddenAct] = {act.pk: act for act in declared if act.is_active}
    for act in candidates:
        if act.matches(
            organisme_id=organisme_id,
            kind_of_help_id=kind_of_help_id,
            right_id=right_id,
            mode_of_help=mode_of_help,
        ):
            hit.setdefault(act.pk, act)
    return [act for act in hit.values() if act.is_forbidden_for(role)]


def _forbidden_message(act: ForbiddenAct, role: str) -> str:
    return _("« %(act)s » n'est pas permis au rôle %(role)s. %(why)s %(instead)s") % {
        "act": act.label,
        "role": Role(role).label,
        "why": act.explanation.strip(),
        "instead": act.suggestion.strip(),
    }


def _resolve_demarches(
    demarches: Sequence[DemarcheInput], errors: _Errors
) -> list[_ResolvedDemarche]:
    if not demarches:
        errors.add("demarches", _("Ajoutez au moins une démarche."), "no_demarche")
        return []
    if len(demarches) > MAX_DEMARCHES:
        errors.add(
            "demarches",
            _("Pas plus de %(max)d démarches par accompagnement.") % {"max": MAX_DEMARCHES},
            "too_many_demarches",
        )
        return []
    acts = list(ForbiddenAct.objects.filter(is_active=True))
    acts_by_id = {act.pk: act for act in acts}
    resolved: list[_ResolvedDemarche] = []
    for index, item in enumerate(demarches, start=1):
        prefix = _("Démarche n° %(n)d : ") % {"n": index}
        local = _Errors()
        kind = _resolve(
            KindOfHelp,
            item.kind_of_help,
            errors=local,
            name="demarches",
            unknown=_("type d'aide inconnu."),
            prefix=prefix,
        )
        organisme = None
        if item.organisme not in (None, ""):
            organisme = _resolve(
                Organisme,
                item.organisme,
                errors=local,
                name="demarches",
                unknown=_("organisme inconnu."),
                prefix=prefix,
            )
        right = None
        if item.right not in (None, ""):
            right = _resolve(
                SocialRight,
                item.right,
                errors=local,
                name="demarches",
                unknown=_("droit inconnu."),
                prefix=prefix,
            )
        mode = item.mode_of_help
        if isinstance(mode, bool) or mode not in ModeOfHelp.values:
            local.add("demarches", prefix + _("mode d'aide inconnu."), "unknown_reference")
        declared: list[ForbiddenAct] = []
        for act_id in item.declared_acts:
            act = acts_by_id.get(_as_id(act_id) or -1)
            if act is None:
                local.add("demarches", prefix + _("acte inconnu."), "unknown_reference")
            else:
                declared.append(act)
        if local.by_field:
            for error in local.by_field["demarches"]:
                errors.by_field.setdefault("demarches", []).append(error)
            continue
        assert kind is not None
        for act in forbidden_acts_hit(
            role=SESSION_ROLE,
            organisme_id=organisme.pk if organisme else None,
            kind_of_help_id=kind.pk,
            right_id=right.pk if right else None,
            mode_of_help=mode,
            declared=declared,
            acts=acts,
        ):
            errors.add("demarches", prefix + _forbidden_message(act, SESSION_ROLE), "forbidden_act")
        resolved.append(
            _ResolvedDemarche(
                organisme=organisme,
                kind_of_help=kind,
                mode_of_help=int(mode),
                right=right,
                declared_acts=tuple(declared),
            )
        )
    return resolved


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
) -> SessionPlan:
    """Check every rule of a mediation session; raise one ``ValidationError`` listing them all.

    Error keys are the field names (``date``, ``duration_minutes``, ``demarches``…) so that forms
    can place each message next to its field. Raises ``PermissionDenied`` when ``mediator`` is
    not a mediator in ``mds``.
    """
    _require_role(mediator, mds, SESSION_ROLE)
    errors = _Errors()
    today = _today()
    _check_duration(duration_minutes, errors)
    _check_past_date(date, today, errors)
    origin_row = _resolve(
        Origin, origin, errors=errors, name="origin", unknown=_("Origine inconnue.")
    )
    outcome_row = _resolve(
        Outcome, outcome, errors=errors, name="outcome", unknown=_("Issue inconnue.")
    )

    usager_row: Usager | None = None
    if usager not in (None, ""):
        pk = _as_id(usager)
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

    file_number = _check_text(file_number, 60, "file_number", _("Numéro de dossier"), errors)
    reason = _check_text(faire_pour_reason, 500, "faire_pour_reason", _("Motif"), errors)
    resolved = _resolve_demarches(demarches, errors)

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


def _existing_session(key: uuid.UUID, mediator: User) -> MediationSession | None:
    found = MediationSession.objects.filter(idempotency_key=key).first()
    if found is not None and found.mediator_id != mediator.pk:
        raise ValidationError(_IDEMPOTENCY_CONFLICT, code="idempotency_conflict")
    return found


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
    passage: Passage | None = None,
) -> MediationSession:
    """Save a mediation session with its démarches and related-right suggestions.

    Idempotent on ``idempotency_key``: a second submit of the same form returns the session
    saved the first time (nothing is duplicated, nothing is lost). Closes the open follow-ups of
    the same usager in this MDS.
    """
    _require_role(mediator, mds, SESSION_ROLE)
    existing = _existing_session(idempotency_key, mediator)
    if existing is not None:
        return existing
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
    )
    if passage is not None:
        _check_passage(passage, mds=mds)
    try:
        with transaction.atomic():
            session = MediationSession.objects.create(
                mds=mds,
                mediator=mediator,
                passage=passage,
                idempotency_key=idempotency_key,
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
            )
    except IntegrityError:
        # A concurrent submit of the same form won the race: return its session.
        existing = _existing_session(idempotency_key, mediator)
        if existing is None:
            raise
        return existing

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
        from accueil.services import Action, transition

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
    _require_role(user, session.mds, SESSION_ROLE)
    if not session.follow_up_done:
        session.follow_up_done = True
        session.follow_up_done_at = timezone.now()
        session.save(update_fields=["follow_up_done", "follow_up_done_at"])
    return session


# --------------------------------------------------------------------------------------------
# Droits connexes
# --------------------------------------------------------------------------------------------


def _facts(item: DemarcheInput | Demarche) -> tuple[int | None, int | None, int | None]:
    if isinstance(item, Demarche):
        return item.organisme_id, item.kind_of_help_id, item.right_id
    return _as_id(item.organisme), _as_id(item.kind_of_help), _as_id(item.right)


def suggest_related_rights(
    demarches: Sequence[DemarcheInput | Demarche],
) -> list[RightSuggestion]:
    """Related rights to check for these démarches, each right once, in rule order.

    A right that is already the subject of one of the démarches is not suggested.
    """
    facts = [_facts(item) for item in demarches]
    already = {right_id for _o, _k, right_id in facts if right_id is not None}
    rules = RelatedRightRule.objects.filter(
        is_active=True, suggested_right__is_active=True
    ).select_related("suggested_right")
    suggestions: dict[int, RightSuggestion] = {}
    for index, (organisme_id, kind_id, right_id) in enumerate(facts):
        if kind_id is None and organisme_id is None and right_id is None:
            continue
        for rule in rules:
            right = rule.suggested_right
            if right.pk in already or right.pk in suggestions:
                continue
            if rule.matches(
                organisme_id=organisme_id,
                kind_of_help_id=kind_id if kind_id is not None else -1,
                right_id=right_id,
            ):
                suggestions[right.pk] = RightSuggestion(
                    right=right, rule=rule, note=rule.note, demarche_index=index
                )
    return list(suggestions.values())


@transaction.atomic
def mark_right_checked(
    *, check: RelatedRightCheck, user: User, checked: bool = True
) -> RelatedRightCheck:
    """The mediator marks a suggested related right as checked (or unchecks it)."""
    _require_role(user, check.session.mds, SESSION_ROLE)
    check.checked = checked
    check.checked_at = timezone.now() if checked else None
    check.checked_by = user if checked else None
    check.save(update_fields=["checked", "checked_at", "checked_by"])
    return check


# --------------------------------------------------------------------------------------------
# Usagers
# --------------------------------------------------------------------------------------------


@transaction.atomic
def create_usager(
    *,
    mds: MDS,
    created_by: User,
    display_name: str = "",
    birth_year: int | None = None,
    age_band: str = "",
    gender: str = "",
    equipment: Sequence[str] = (),
    internet_at_home: str = InternetAtHome.UNKNOWN,
    languages: str = "",
    notes: str = "",
    idempotency_key: uuid.UUID | None = None,
) -> Usager:
    """Create a light usager profile. The age band is derived from the birth year when known.

    Idempotent on ``idempotency_key``: a double submit returns the profile created first."""
    _require_role(created_by, mds, *USAGER_CREATOR_ROLES)
    today = _today()
    errors = _Errors()
    if birth_year is not None and not (today.year - 120 <= birth_year <= today.year):
        errors.add("birth_year", _("Année de naissance invraisemblable."), "birth_year_range")
    elif birth_year is not None:
        age_band = AgeBand.for_birth_year(birth_year, today)
    # TextField max_length is not a model validator: the limit is checked here.
    notes = _check_text(notes, 500, "notes", _("Remarques"), errors)
    errors.raise_if_any()
    usager = Usager(
        mds=mds,
        created_by=created_by,
        display_name=(display_name or "").strip(),
        birth_year=birth_year,
        age_band=age_band or "",
        gender=gender or "",
        equipment=list(dict.fromkeys(equipment)),
        internet_at_home=internet_at_home or InternetAtHome.UNKNOWN,
        languages=(languages or "").strip(),
        notes=notes,
        idempotency_key=idempotency_key,
    )
    usager.full_clean(exclude=["mds", "created_by", "idempotency_key"])

    def create() -> Usager:
        usager.save()
        return usager

    same = {"mds_id": mds.pk, "created_by_id": created_by.pk, "display_name": usager.display_name}
    return create_once(Usager, idempotency_key, create, same=same)[0]


# --------------------------------------------------------------------------------------------
# Ateliers
# --------------------------------------------------------------------------------------------


def _check_counts(
    counts: Mapping[str, int], allowed: Mapping[str, str], name: str, errors: _Errors
) -> dict[str, int]:
    values: dict[str, int] = {}
    for key, count in counts.items():
        if key not in allowed:
            errors.add(name, _("Catégorie inconnue : %(key)s.") % {"key": key}, "unknown_reference")
        elif isinstance(count, bool) or not isinstance(count, int) or count < 0:
            errors.add(name, _("Les effectifs sont des nombres positifs."), "count_invalid")
        else:
            values[allowed[key]] = count
    return values


@transaction.atomic
def record_atelier(
    *,
    animator: User,
    mds: MDS,
    idempotency_key: uuid.UUID,
    audience: str,
    theme: str,
    date: dt.date,
    duration_minutes: int,
    age_counts: Mapping[str, int],
    gender_counts: Mapping[str, int],
    coop_theme: str = "",
    participants: Sequence[int | Usager] = (),
) -> Atelier:
    """Record a collective workshop with anonymous head counts (by age band and by gender).

    ``age_counts`` keys are :class:`AgeBand` values or ``""`` (age not given); ``gender_counts``
    keys are :class:`~accompagnement.models.Gender` values or ``""``. Both must add up to the
    same total. Idempotent on ``idempotency_key``.
    """
    _require_role(animator, mds, SESSION_ROLE)
    errors = _Errors()
    _check_duration(duration_minutes, errors)
    _check_past_date(date, _today(), errors)
    if audience not in AtelierAudience.values:
        errors.add("audience", _("Public inconnu."), "unknown_reference")
    if coop_theme and coop_theme not in CoopTheme.values:
        errors.add("coop_theme", _("Thématique inconnue."), "unknown_reference")
    theme = _check_text(theme, 150, "theme", _("Thème"), errors)
    if not theme:
        errors.add("theme", _("Indiquez le thème de l'atelier."), "required")
    by_age = _check_counts(age_counts, ATELIER_AGE_FIELDS, "age_counts", errors)
    by_gender = _check_counts(gender_counts, ATELIER_GENDER_FIELDS, "gender_counts", errors)
    total = sum(by_gender.values())
    if not errors.by_field:
        if total == 0:
            errors.add("gender_counts", _("Un atelier compte au moins un participant."), "empty")
        elif sum(by_age.values()) != total:
            errors.add(
                "age_counts",
                _(
                    "Le total par tranche d'âge (%(age)d) doit égaler le total par genre "
                    "(%(gender)d) ; utilisez « non précisé » si besoin."
                )
                % {"age": sum(by_age.values()), "gender": total},
                "counts_disagree",
            )
        elif total > MAX_ATELIER_HEADCOUNT:
            errors.add("gender_counts", _("Effectif invraisemblable."), "count_invalid")
    participant_ids = {pk for pk in (_as_id(p) for p in participants) if pk is not None}
    named = list(Usager.objects.filter(pk__in=participant_ids, mds=mds))
    if len(named) != len(participant_ids) or len(participant_ids) != len(participants):
        errors.add("participants", _("Participant inconnu dans cette MDS."), "unknown_reference")
    elif len(named) > total:
        errors.add(
            "participants",
            _("Plus de participants nommés que de participants comptés."),
            "too_many_participants",
        )
    errors.raise_if_any()

    def create() -> Atelier:
        atelier = Atelier.objects.create(
            mds=mds,
            animator=animator,
            idempotency_key=idempotency_key,
            audience=audience,
            theme=theme,
            coop_theme=coop_theme,
            date=date,
            duration_minutes=duration_minutes,
            **by_age,
            **by_gender,
        )
        if named:
            atelier.participants.set(named)
        return atelier

    return create_once(Atelier, idempotency_key, create, same={"animator_id": animator.pk})[0]
