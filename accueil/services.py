"""Every write of the accueil: check-in, status changes, calls, day close.

Rules kept here and only here:
- ticket numbers are per MDS and per local day, handed out by an atomic upsert so two tablets
  checking in at the same instant get two consecutive numbers;
- a check-in carries a client token: a double submit returns the first passage, the same token
  with other content is refused (the rule of ``mds.idempotency``);
- status changes follow ``models.TRANSITIONS`` (the state machine templates read too through
  ``models.allowed_actions``); the server stamps every time;
- only the MDS's own staff act on its queue (through ``mds.permissions``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mds.idempotency import refuse_if_changed
from mds.models import MDS, User
from mds.permissions import can_act_in
from mds.selectors import is_open_at

from .models import (
    ACTION_LABELS,
    ACTION_ROLES,
    CHECKIN_ROLES,
    INTERNAL_TARGETS,
    QUEUE_ROLES,
    TRANSITIONS,
    Action,
    DailyTicketCounter,
    Desk,
    Language,
    Motive,
    Passage,
    PassageEvent,
    Priority,
    Status,
)
from .reference import suggested_desk_translations, unique_desk_code
from .selectors import queue_order


@dataclass(frozen=True)
class CheckIn:
    passage: Passage
    created: bool

    @property
    def outside_opening_hours(self) -> bool:
        return self.passage.outside_opening_hours


def next_ticket_number(*, mds: MDS, day: dt.date) -> int:
    """Atomically take the next ticket number of ``mds`` on ``day`` (PostgreSQL and SQLite).

    The upsert locks the counter row until the surrounding transaction ends, so concurrent
    check-ins are serialised on it and a rolled-back check-in gives its number back.
    """
    table = DailyTicketCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (mds_id, day, last_number) VALUES (%s, %s, 1) "  # noqa: S608
            f"ON CONFLICT (mds_id, day) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [mds.pk, day],
        )
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def _insert_with_next_ticket(passage: Passage) -> None:
    """Insert ``passage`` with the next ticket number of its MDS and day.

    On PostgreSQL, one statement does both (a data-modifying CTE): it is atomic by itself, holds
    the counter row's lock for the shortest time, and costs one round trip instead of four
    (BEGIN, upsert, insert, COMMIT). Elsewhere (SQLite demo), two statements in a transaction.
    """
    if connection.vendor != "postgresql":
        with transaction.atomic():
            passage.ticket_number = next_ticket_number(mds=passage.mds, day=passage.day)
            passage.save(force_insert=True)
        return
    fields = [f for f in Passage._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = ", ".join("c.last_number" if f.name == "ticket_number" else "%s" for f in fields)
    params = [
        f.get_db_prep_save(f.pre_save(passage, True), connection)
        for f in fields
        if f.name != "ticket_number"
    ]
    counter = DailyTicketCounter._meta.db_table
    table = Passage._meta.db_table
    # Only table and column names from the model's meta are formatted in; values are parameters.
    sql = (
        f"WITH c AS (INSERT INTO {counter} (mds_id, day, last_number) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT (mds_id, day) DO UPDATE SET last_number = {counter}.last_number + 1 "
        f"RETURNING last_number) "
        f"INSERT INTO {table} ({columns}) SELECT {values} FROM c RETURNING id, ticket_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [passage.mds_id, passage.day, *params])
        row = cursor.fetchone()
    assert row is not None
    passage.pk, passage.ticket_number = row[0], row[1]
    passage._state.adding = False
    passage._state.db = connection.alias


def check_in(
    *,
    mds: MDS,
    agent: User,
    motive: Motive,
    client_token: uuid.UUID,
    alias: str = "",
    has_appointment: bool = False,
    appointment_with: User | None = None,
    priority: str = "",
    language: Language | None = None,
    now: dt.datetime | None = None,
) -> CheckIn:
    """Record an arrival and hand out a ticket. Idempotent on ``client_token``.

    Kept short on purpose (it is the hot path of the front desk): no read before the insert —
    a double submit is caught by the unique token — and the opening hours are read from a
    per-process cache before the transaction that holds the day's counter row.
    """
    if not can_act_in(agent, mds.pk, *CHECKIN_ROLES):
        raise ValidationError(_("Vous ne pouvez pas enregistrer de passage dans cette MDS."))
    if not motive.is_active:
        raise ValidationError(_("Ce motif n'est plus proposé : choisissez-en un autre."))
    if priority not in Priority.values:
        raise ValidationError(_("Priorité inconnue."))
    if language is not None and not language.is_active:
        raise ValidationError(_("Cette langue n'est plus proposée."))
    if appointment_with is not None and not can_act_in(appointment_with, mds.pk):
        raise ValidationError(_("Ce professionnel ne travaille pas dans cette MDS."))
    now = now or timezone.now()
    outside = not is_open_at(mds_id=mds.pk, moment=now)
    passage = Passage(
        mds=mds,
        day=timezone.localdate(now),
        ticket_number=0,  # set by the insert
        arrived_at=now,
        motive=motive,
        alias=alias.strip()[:40],
        has_appointment=has_appointment or appointment_with is not None,
        appointment_with=appointment_with,
        priority=priority,
        language=language,
        oriented_to=motive.routes_to,
        outside_opening_hours=outside,
        client_token=client_token,
        created_by=agent,
    )
    try:
        if connection.in_atomic_block:
            with transaction.atomic():  # a savepoint, so a duplicate token leaves the caller usable
                _insert_with_next_ticket(passage)
        else:
            _insert_with_next_ticket(passage)
    except IntegrityError:
        # The same form was submitted twice at the same instant: the other request won.
        existing = Passage.objects.filter(client_token=client_token).first()
        if existing is None:
            raise
        return _same_check_in(existing, passage)
    return CheckIn(passage=passage, created=True)


def _same_check_in(existing: Passage, passage: Passage) -> CheckIn:
    """The first check-in of this form if the re-submission says the same; else refused."""
    if existing.mds_id != passage.mds_id:
        raise ValidationError(_("Ce formulaire a déjà servi dans une autre MDS : recommencez."))
    same = {name: getattr(passage, name) for name in _CHECK_IN_CONTENT}
    return CheckIn(passage=refuse_if_changed(existing, same=same), created=False)


#: What a check-in form says: the same token with other content is refused (mds.idempotency).
_CHECK_IN_CONTENT = (
    "motive_id",
    "alias",
    "has_appointment",
    "appointment_with_id",
    "priority",
    "language_id",
)


def desk_named(*, mds_id: int, label: str) -> Desk:
    """The desk of MDS ``mds_id`` called ``label``, created when it is a new name: every desk
    name used is reference data the admin can translate (usual names come translated)."""
    desk = Desk.objects.filter(mds_id=mds_id, label=label).first()
    if desk is not None:
        return desk
    english, arabic = suggested_desk_translations(label)
    desk, _created = Desk.objects.get_or_create(
        mds_id=mds_id,
        label=label,
        defaults={
            "code": unique_desk_code(Desk, mds_id, label),
            "label_en": english,
            "label_ar": arabic,
        },
    )
    return desk


@transaction.atomic
def transition(
    *,
    passage_id: int,
    actor: User,
    action: str,
    desk: str = "",
    target_role: str = "",
    partner: str = "",
    reason: str = "",
    now: dt.datetime | None = None,
) -> Passage:
    """Apply ``action`` to a passage of the actor's MDS, or refuse it with a clear message."""
    if action not in TRANSITIONS:
        raise ValidationError(_("Action inconnue."))
    passage = Passage.objects.select_for_update().filter(pk=passage_id).first()
    allowed_roles = ACTION_ROLES.get(action, QUEUE_ROLES)
    if passage is None or not can_act_in(actor, passage.mds_id, *QUEUE_ROLES):
        raise ValidationError(_("Ce passage n'existe pas ou n'est pas dans votre MDS."))
    if not can_act_in(actor, passage.mds_id, *allowed_roles):
        raise ValidationError(
            _("Votre rôle ne permet pas de %(action)s ce passage.")
            % {"action": ACTION_LABELS[action]}
        )
    sources, target = TRANSITIONS[action]
    if passage.status not in sources:
        raise ValidationError(
            _("Impossible de %(action)s : le passage n°%(ticket)s est « %(status)s ».")
            % {
                "action": ACTION_LABELS[action],
                "ticket": passage.ticket_label,
                "status": passage.get_status_display(),
            }
        )
    now = now or timezone.now()
    previous = passage.status
    note = ""
    if action == Action.CALL:
        desk = desk.strip()[:40]
        if not desk:
            raise ValidationError(_("Indiquez le bureau où la personne est appelée."))
        passage.desk = desk_named(mds_id=passage.mds_id, label=desk).label
        passage.called_at = passage.called_at or now
        passage.called_by = actor
        note = desk
    elif action == Action.REQUEUE:
        passage.desk = ""
    elif action == Action.START:
        passage.started_at = now
        passage.handled_by = actor
        passage.called_at = passage.called_at or now
    elif action in (Action.FINISH, Action.LEFT):
        passage.ended_at = now
    elif action == Action.REORIENT:
        target = _reorient(passage, target_role=target_role, partner=partner, now=now)
        note = passage.partner if target == Status.REORIENTED else passage.oriented_to
    elif action == Action.CANCEL:
        reason = reason.strip()
        if not reason:
            raise ValidationError(_("Indiquez pourquoi ce passage est annulé."))
        passage.cancel_reason = reason[:200]
        passage.ended_at = now
        note = passage.cancel_reason
    assert target is not None
    passage.status = target
    passage.save()
    PassageEvent.objects.create(
        passage=passage, from_status=previous, to_status=target, at=now, by=actor, note=note
    )
    return passage


def _reorient(passage: Passage, *, target_role: str, partner: str, now: dt.datetime) -> str:
    """Inside the MDS the person waits again, for another service; outside, the visit ends."""
    partner = partner.strip()
    if partner:
        passage.partner = partner[:120]
        passage.ended_at = now
        return Status.REORIENTED
    if target_role not in INTERNAL_TARGETS:
        raise ValidationError(_("Choisissez vers qui réorienter la personne."))
    passage.oriented_to = target_role
    passage.desk = ""
    return Status.WAITING


@transaction.atomic
def call_next(
    *, mds: MDS, actor: User, role: str, desk: str, now: dt.datetime | None = None
) -> Passage | None:
    """Call the first waiting person for ``role`` (or with an appointment with the actor)."""
    if not can_act_in(actor, mds.pk, role) or role not in QUEUE_ROLES:
        raise ValidationError(_("Vous ne pouvez pas appeler dans cette MDS."))
    now = now or timezone.now()
    candidates = queue_order(
        Passage.objects.filter(mds=mds, day=timezone.localdate(now), status=Status.WAITING).filter(
            Q(oriented_to=role) | Q(appointment_with=actor)
        )
    )
    first = candidates.select_for_update(skip_locked=True, of=("self",)).first()
    if first is None:
        return None
    return transition(passage_id=first.pk, actor=actor, action=Action.CALL, desk=desk, now=now)


@transaction.atomic
def close_day(*, mds: MDS, day: dt.date, now: dt.datetime | None = None) -> int:
    """At closing time, people still waiting (or called) that day left without being seen.

    Passages already with a professional (in progress) are left alone. Returns how many closed.
    """
    now = now or timezone.now()
    open_ones = list(
        Passage.objects.select_for_update()
        .filter(mds=mds, day__lte=day, status__in=(Status.WAITING, Status.CALLED))
        .order_by("pk")
    )
    for passage in open_ones:
        previous = passage.status
        passage.status = Status.LEFT
        passage.ended_at = max(now, passage.arrived_at)
        passage.save(update_fields=["status", "ended_at"])
        PassageEvent.objects.create(
            passage=passage,
            from_status=previous,
            to_status=Status.LEFT,
            at=passage.ended_at,
            by=None,
            note="clôture de la journée",
        )
    return len(open_ones)
