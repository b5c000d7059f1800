"""Writes of the orientations app: send, take, see, accept, decline, close, expire, remind.

Every function is keyword-only and transactional. A state change goes through
:func:`_transition`, which checks :data:`orientations.models.TRANSITIONS`, locks the row and writes
the history row. An action refused to a user is journaled (rgpd journal) in its own transaction
and raised as :class:`ReferralRefused`, never half-done.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accompagnement.models import MediationSession, Usager
from accueil.models import Passage
from mds.idempotency import create_once
from mds.models import MDS, Membership, User
from mds.permissions import can_act_in
from rgpd.models import ConsentMethod, ConsentPurpose, ConsentText, PurposeCode
from rgpd.rules import VAULT_ROLE
from rgpd.selectors.consents import live_consent
from rgpd.services.consents import record_consent

from . import rules, workdays
from .models import (
    MESSAGE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    SENDER_ROLES,
    TARGET_ROLES,
    DeclineReason,
    EventKind,
    Need,
    Partner,
    ReasonCategory,
    Referral,
    ReferralEvent,
    ReferralSettings,
    State,
    TargetKind,
    Urgency,
)
from .reference import RESTRICTED_REASON_CODE


class ReferralRefused(PermissionDenied):
    """An action on a referral refused to this user (journaled); the message is for them."""

    def __init__(self, message: str) -> None:
        super().__init__(message)

    @property
    def message(self) -> str:
        return str(self.args[0])


NOT_YOURS = "Cette orientation ne vous est pas adressée : vous ne pouvez pas y répondre."


def _require(actor: User, referral: Referral, action: str) -> None:
    """Refuse (and journal) before any transaction opens, so the refusal entry stays."""
    if not rules.may(actor, referral, action):
        rules.journal_refusal(actor=actor, referral=referral)
        raise ReferralRefused(_(NOT_YOURS))


def _locked_for(actor: User, referral: Referral, action: str) -> Referral:
    """The row locked for update, re-checked: a colleague may have taken it in between."""
    locked = _locked(referral)
    if not rules.may(actor, locked, action):
        raise ValidationError(
            _("Un collègue vient de répondre à cette orientation : rechargez la page."),
            code="taken",
        )
    return locked


# --------------------------------------------------------------------------------------------
# Sending
# --------------------------------------------------------------------------------------------


def _clean_text(value: str, *, limit: int, field: str, label: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        message = _("%(label)s : %(limit)d caractères au plus (vous en avez écrit %(n)d).") % {
            "label": label,
            "limit": limit,
            "n": len(value),
        }
        raise ValidationError({field: message}, code="too_long")
    return value


def _is_target_member(user: User, mds: MDS) -> bool:
    return Membership.objects.filter(
        user=user, mds=mds, role__in=TARGET_ROLES, is_active=True, user__is_active=True
    ).exists()


def share_consent_text() -> tuple[ConsentPurpose, ConsentText]:
    purpose = ConsentPurpose.objects.filter(code=PurposeCode.SHARE_SOCIAL_WORKER).first()
    text = purpose.current_text() if purpose is not None else None
    if purpose is None or text is None:
        raise ValidationError(
            _(
                "Le texte de consentement « Partager mon dossier » manque : "
                "prévenez l'administrateur."
            ),
            code="no_consent_text",
        )
    return purpose, text


@transaction.atomic
def send_referral(
    *,
    actor: User,
    mds: MDS,
    reason_category: ReasonCategory,
    consent_given: bool,
    usager: Usager | None = None,
    pseudonym: str = "",
    target_role: str = "",
    recipient: User | None = None,
    partner: Partner | None = None,
    needs: Iterable[Need] = (),
    urgency: str = Urgency.NORMAL,
    note: str = "",
    restricted: bool = False,
    origin_session: MediationSession | None = None,
    origin_passage: Passage | None = None,
    idempotency_key: uuid.UUID | None = None,
) -> Referral:
    """Send a referral from ``actor`` at ``mds``; idempotent on ``idempotency_key``.

    The person's consent to share is required (read aloud, witnessed by ``actor``), except for
    a restricted referral (information préoccupante: the law lets the professional transmit it
    in the child's interest without the family's agreement).
    """
    sender_roles = [r for r in SENDER_ROLES if can_act_in(actor, mds.pk, r)]
    if not sender_roles:
        raise PermissionDenied(_("Vous n'envoyez pas d'orientation pour cette MDS."))
    errors: dict[str, str] = {}
    pseudonym = (pseudonym or "").strip()[:60]
    if usager is not None and usager.mds_id != mds.pk:
        errors["usager"] = _("Cette personne n'est pas suivie dans votre MDS.")
    if usager is None and not pseudonym:
        errors["pseudonym"] = _("Indiquez la personne, ou au moins un prénom ou un pseudonyme.")
    if reason_category.code == RESTRICTED_REASON_CODE:
        restricted = True
    targets = [bool(target_role), recipient is not None, partner is not None]
    if sum(targets) != 1:
        errors["target"] = _(
            "Choisissez un seul destinataire : un rôle, un professionnel ou un partenaire."
        )
    elif target_role and target_role not in TARGET_ROLES:
        errors["target"] = _("Ce rôle ne reçoit pas d'orientation.")
    elif recipient is not None and (
        recipient.pk == actor.pk or not _is_target_member(recipient, mds)
    ):
        errors["target"] = _(
            "Ce professionnel n'existe pas dans votre MDS ou ne reçoit pas d'orientation."
        )
    elif partner is not None and not partner.is_active:
        errors["target"] = _("Ce partenaire n'est plus proposé dans l'annuaire.")
    if restricted and recipient is None:
        errors["target"] = _(
            "Une orientation confidentielle (protection de l'enfance) s'adresse à un "
            "professionnel nommé."
        )
    if not consent_given and not restricted:
        errors["consent_given"] = _(
            "Sans l'accord de la personne, l'orientation ne peut pas être envoyée : lisez-lui le "
            "texte et cochez la case si elle est d'accord."
        )
    if urgency not in Urgency.values:
        errors["urgency"] = _("Urgence inconnue.")
    try:
        note = _clean_text(note, limit=NOTE_MAX_LENGTH, field="note", label=_("La note"))
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if origin_session is not None and (
        origin_session.mds_id != mds.pk
        or (usager is not None and origin_session.usager_id not in (None, usager.pk))
    ):
        errors["origin_session"] = _("L'accompagnement d'origine ne correspond pas.")
    if origin_passage is not None and origin_passage.mds_id != mds.pk:
        errors["origin_passage"] = _("Le passage d'origine ne correspond pas.")
    if errors:
        raise ValidationError(errors)
    _purpose, text = share_consent_text()
    now = timezone.now()
    need_list = list(needs)

    def create() -> Referral:
        consent = None
        if usager is not None and consent_given:
            consent = live_consent(usager=usager, purpose_code=PurposeCode.SHARE_SOCIAL_WORKER)
            if consent is None and can_act_in(actor, mds.pk, VAULT_ROLE):
                consent = record_consent(
                    actor=actor,
                    usager=usager,
                    purpose_code=PurposeCode.SHARE_SOCIAL_WORKER,
                    method=ConsentMethod.ORAL_WITNESSED,
                )
        referral = Referral.objects.create(
            mds=mds,
            sender=actor,
            sender_role=sender_roles[0],
            usager=usager,
            pseudonym="" if usager is not None else pseudonym,
            target_kind=(
                TargetKind.ROLE
                if target_role
                else TargetKind.USER
                if recipient
                else TargetKind.PARTNER
            ),
            target_role=target_role,
            recipient=recipient,
            partner=partner,
            reason_category=reason_category,
            urgency=urgency,
            note=note,
            restricted=restricted,
            consent=consent,
            consent_text=text,
            consent_given_at=now if consent_given else None,
            consent_witnessed_by=actor if consent_given else None,
            origin_session=origin_session,
            origin_passage=origin_passage,
            sent_at=now,
            state_changed_at=now,
            idempotency_key=idempotency_key,
        )
        referral.needs.set(need_list)
        ReferralEvent.objects.create(referral=referral, to_state=State.SENT, at=now, by=actor)
        return referral

    return create_once(
        Referral, idempotency_key, create, same={"sender_id": actor.pk, "mds_id": mds.pk}
    )[0]


# --------------------------------------------------------------------------------------------
# State changes
# --------------------------------------------------------------------------------------------


def _locked(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",)).select_related("mds").get(pk=referral.pk)
    )


def _transition(referral: Referral, to: str, *, by: User | None, now: dt.datetime) -> None:
    if to not in referral.allowed_next():
        raise ValidationError(
            _("Cette orientation est « %(state)s » : elle ne peut plus passer à « %(to)s ».")
            % {"state": referral.get_state_display(), "to": State(to).label},
            code="invalid_transition",
        )
    ReferralEvent.objects.create(
        referral=referral, from_state=referral.state, to_state=to, at=now, by=by
    )
    referral.state = to
    referral.state_changed_at = now


@transaction.atomic
def mark_seen(*, actor: User, referral: Referral) -> Referral:
    """The recipient (or a professional of the target role) opened it: sent → seen."""
    referral = _locked(referral)
    if referral.state == State.SENT and rules.may(actor, referral, rules.ACT):
        _transition(referral, State.SEEN, by=actor, now=timezone.now())
        referral.save(update_fields=["state", "state_changed_at"])
    return referral


def _take_if_role_target(actor: User, referral: Referral, now: dt.datetime) -> None:
    if referral.recipient_id is None and referral.target_kind == TargetKind.ROLE:
        referral.recipient = actor
        ReferralEvent.objects.create(referral=referral, kind=EventKind.TAKEN, at=now, by=actor)


def take_referral(*, actor: User, referral: Referral) -> Referral:
    """ "Je la prends": a professional of the target role becomes the recipient."""
    _require(actor, referral, rules.ACT)
    with transaction.atomic():
        referral = _locked_for(actor, referral, rules.ACT)
        if referral.recipient_id == actor.pk:
            return referral
        if not referral.is_waiting:
            raise ValidationError(
                _("Cette orientation n'attend plus de réponse."), code="not_waiting"
            )
        now = timezone.now()
        _take_if_role_target(actor, referral, now)
        if referral.state == State.SENT:
            _transition(referral, State.SEEN, by=actor, now=now)
        referral.save(update_fields=["recipient", "state", "state_changed_at"])
        return referral


def accept_referral(
    *, actor: User, referral: Referral, appointment_at: dt.datetime, appointment_place: str
) -> Referral:
    _require(actor, referral, rules.ACT)
    with transaction.atomic():
        referral = _locked_for(actor, referral, rules.ACT)
        place = _clean_text(
            appointment_place, limit=150, field="appointment_place", label=_("Le lieu")
        )
        if not place:
            raise ValidationError({"appointment_place": _("Indiquez le lieu du rendez-vous.")})
        now = timezone.now()
        if appointment_at < now - dt.timedelta(hours=1):
            raise ValidationError({"appointment_at": _("Le rendez-vous ne peut pas être passé.")})
        _transition(referral, State.ACCEPTED, by=actor, now=now)
        _take_if_role_target(actor, referral, now)
        referral.appointment_at = appointment_at
        referral.appointment_place = place
        referral.save()
        return referral


def decline_referral(
    *, actor: User, referral: Referral, reason: DeclineReason, message: str = ""
) -> Referral:
    _require(actor, referral, rules.ACT)
    with transaction.atomic():
        referral = _locked_for(actor, referral, rules.ACT)
        message = _clean_text(
            message, limit=MESSAGE_MAX_LENGTH, field="decline_message", label=_("Le message")
        )
        now = timezone.now()
        _transition(referral, State.DECLINED, by=actor, now=now)
        _take_if_role_target(actor, referral, now)
        referral.decline_reason = reason
        referral.decline_message = message
        referral.save()
        return referral


def close_referral(*, actor: User, referral: Referral, outcome: str) -> Referral:
    _require(actor, referral, rules.CLOSE)
    with transaction.atomic():
        referral = _locked_for(actor, referral, rules.CLOSE)
        outcome = _clean_text(
            outcome, limit=MESSAGE_MAX_LENGTH, field="outcome", label=_("La suite")
        )
        if not outcome:
            raise ValidationError({"outcome": _("Dites en quelques mots la suite donnée.")})
        now = timezone.now()
        _transition(referral, State.CLOSED, by=actor, now=now)
        referral.outcome = outcome
        referral.closed_at = now
        referral.save()
        return referral


# --------------------------------------------------------------------------------------------
# Delays: expiry, reminders, escalation (scheduled by the jobs; see tasks.py)
# --------------------------------------------------------------------------------------------


def settings_for(mds: MDS) -> ReferralSettings:
    """The MDS's delays, or the defaults when the admin has not set them."""
    found = ReferralSettings.objects.filter(mds=mds).first()
    return found if found is not None else ReferralSettings(mds=mds)


def _sites() -> list[tuple[MDS, ReferralSettings]]:
    sites = list(MDS.objects.filter(is_active=True))
    configured = {d.mds_id: d for d in ReferralSettings.objects.filter(mds__in=sites)}
    return [(site, configured.get(site.pk) or ReferralSettings(mds=site)) for site in sites]


def _answered_by_people() -> dict[str, object]:
    # Partners have no account: their referrals neither expire nor get reminders.
    return {"target_kind__in": [TargetKind.ROLE, TargetKind.USER]}


@transaction.atomic
def expire_overdue(*, now: dt.datetime | None = None) -> list[int]:
    """Sent or seen referrals with no answer after the MDS's working days expire (system)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    expired: list[int] = []
    for site, delays in _sites():
        due = (
            Referral.objects.select_for_update(skip_locked=True)
            .filter(mds=site, state__in=[State.SENT, State.SEEN], **_answered_by_people())
            .filter(sent_at__lt=workdays.waited_cutoff(today, delays.expire_after_days))
        )
        for referral in due:
            _transition(referral, State.EXPIRED, by=None, now=now)
            referral.save(update_fields=["state", "state_changed_at"])
            expired.append(referral.pk)
    return expired


#: ``listener(referral=…, escalated=…, working_days=…)``, called for each referral marked
#: reminded (``escalated=False``) or escalated, inside the marking transaction
ReminderListener = Callable[..., object]
_reminder_listeners: list[ReminderListener] = []


def on_reminder(listener: ReminderListener) -> None:
    """Register a listener of the reminder marks (``notifications`` sends the messages: an upper
    layer, it registers from its ``AppConfig.ready()``). Its writes (an outbox row) commit or
    roll back with the mark: a reminder is never lost nor sent twice. Registering twice = once."""
    if listener not in _reminder_listeners:
        _reminder_listeners.append(listener)


def _reminder_marked(referral: Referral, *, escalated: bool, working_days: int) -> None:
    for listener in _reminder_listeners:
        listener(referral=referral, escalated=escalated, working_days=working_days)


@dataclass
class ReminderReport:
    """Referral ids to notify: ``reminded`` to their recipient, ``escalated`` to the direction."""

    reminded: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)


@transaction.atomic
def select_reminders(*, now: dt.datetime | None = None) -> ReminderReport:
    """Mark, once each, the referrals not seen after N working days (remind the recipient) and
    after M working days (alert the MDS direction); N and M are the MDS's settings.

    Never twice: ``reminded_at`` / ``escalated_at`` are set in the same transaction, and the
    history has a unique row per referral and kind. The registered listeners
    (:func:`on_reminder`) queue the messages in that same transaction.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = ReminderReport()
    for site, delays in _sites():
        waiting = Referral.objects.select_for_update(skip_locked=True).filter(
            mds=site, state=State.SENT, **_answered_by_people()
        )
        for referral in waiting.filter(
            reminded_at__isnull=True,
            sent_at__lt=workdays.waited_cutoff(today, delays.remind_after_days),
        ):
            referral.reminded_at = now
            referral.save(update_fields=["reminded_at"])
            ReferralEvent.objects.create(referral=referral, kind=EventKind.REMINDED, at=now)
            _reminder_marked(referral, escalated=False, working_days=delays.remind_after_days)
            report.reminded.append(referral.pk)
        for referral in waiting.filter(
            escalated_at__isnull=True,
            sent_at__lt=workdays.waited_cutoff(today, delays.escalate_after_days),
        ):
            referral.escalated_at = now
            referral.save(update_fields=["escalated_at"])
            ReferralEvent.objects.create(referral=referral, kind=EventKind.ESCALATED, at=now)
            _reminder_marked(referral, escalated=True, working_days=delays.escalate_after_days)
            report.escalated.append(referral.pk)
    return report
