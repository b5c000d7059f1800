"""Which reminders are due: each selection queues one message per (recipient, subject, day).

They run on schedule (``mds/schedule.py``) and may run twice (a task redelivered, a rerun by
hand): the deduplication key of each message makes the second run queue nothing, and the send
job delivers a queued message at most once (see ``services``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accompagnement.models import MediationSession
from accompagnement.selectors import follow_ups_due
from mds.models import Membership, User
from mds.roles import Role
from orientations.models import Referral, State, TargetKind
from rgpd.models import ScannedDocument, TemporaryCredential

from .models import Kind
from .services import notify

#: vault items destroyed within this delay are announced to the mediator who stored them
VAULT_WARNING_WINDOW = dt.timedelta(hours=24)


def _url(name: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name)


def appointment_reminders(*, today: dt.date | None = None) -> int:
    """J-1: people with an appointment tomorrow who left a contact for reminders — a next
    appointment of a session "à poursuivre", or the appointment of an accepted referral.

    One reminder per person and day (the same deduplication key for both sources). The consent
    is checked when the message is sent; without it the receipt says why."""
    tomorrow = (today or timezone.localdate()) + dt.timedelta(days=1)
    sessions = (
        MediationSession.objects.filter(
            next_appointment=tomorrow,
            usager__isnull=False,
            usager__reminder_contact__isnull=False,
            outcome__requires_next_appointment=True,  # "à poursuivre (prochain rendez-vous)"
            follow_up_done=False,
        )
        .select_related("usager", "mds")
        .order_by("usager_id", "pk")
    )
    queued = 0
    seen: set[int] = set()
    for session in sessions:
        assert session.usager is not None
        if session.usager.pk in seen:
            continue  # two sessions, one appointment: one reminder
        seen.add(session.usager.pk)
        notify(
            kind=Kind.APPOINTMENT,
            dedup_key=f"appointment:{session.usager.pk}:{tomorrow.isoformat()}",
            context={"date": f"{tomorrow:%d/%m/%Y}", "mds": session.mds.name},
            mds=session.mds,
            usager=session.usager,
        )
        queued += 1
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time()))
    referrals = (
        Referral.objects.filter(
            state=State.ACCEPTED,
            appointment_at__gte=start,
            appointment_at__lt=start + dt.timedelta(days=1),
            usager__isnull=False,
            usager__reminder_contact__isnull=False,
        )
        .exclude(usager_id__in=seen)
        .select_related("usager", "mds")
        .order_by("usager_id", "appointment_at", "pk")
    )
    for referral in referrals:
        assert referral.usager is not None
        if referral.usager.pk in seen:
            continue
        seen.add(referral.usager.pk)
        # the MDS and the day only: never the professional, the reason or the place
        notify(
            kind=Kind.APPOINTMENT,
            dedup_key=f"appointment:{referral.usager.pk}:{tomorrow.isoformat()}",
            context={"date": f"{tomorrow:%d/%m/%Y}", "mds": referral.mds.name},
            mds=referral.mds,
            usager=referral.usager,
        )
        queued += 1
    return queued


def vault_expiry_warnings(*, now: dt.datetime | None = None) -> int:
    """Vault items destroyed within 24 h → the mediator who stored them (hand over, extend
    with a fresh consent within the maximum, or let it go). One warning per expiry date."""
    moment = now or timezone.now()
    alive_soon = {
        "secret__destroyed_at__isnull": True,
        "secret__expires_at__gt": moment,
        "secret__expires_at__lte": moment + VAULT_WARNING_WINDOW,
        "created_by__isnull": False,
        "created_by__is_active": True,
    }
    related = ("secret", "created_by", "mds")
    items: list[tuple[str, TemporaryCredential | ScannedDocument]] = [
        ("identifiants", item)
        for item in TemporaryCredential.objects.filter(
            handed_over_at__isnull=True, **alive_soon
        ).select_related(*related)
    ]
    items += [
        ("document", item)
        for item in ScannedDocument.objects.filter(**alive_soon).select_related(*related)
    ]
    for what, item in items:
        expires = item.secret.expires_at
        notify(
            kind=Kind.VAULT_EXPIRING,
            dedup_key=f"vault-expiry:{item.pk}:{expires.isoformat()}",
            context={
                "what": what,
                "expires": f"{timezone.localtime(expires):%d/%m/%Y à %H:%M}",
                "url": settings.SITE_URL.rstrip("/")
                + reverse("rgpd:person_vault", args=[item.usager_id]),
            },
            mds=item.mds,
            user=item.created_by,
        )
    return len(items)


def follow_up_digests(*, today: dt.date | None = None) -> int:
    """One morning message per mediator with follow-ups due (the count and a link, no names)."""
    day = today or timezone.localdate()
    queued = 0
    memberships = (
        Membership.objects.filter(role=Role.MEDIATEUR, is_active=True, user__is_active=True)
        .select_related("user", "mds")
        .order_by("user_id", "mds_id")
    )
    done: set[int] = set()
    for membership in memberships:
        user = membership.user
        if user.pk in done:
            continue
        done.add(user.pk)
        count = follow_ups_due(mediator=user, today=day).count()
        if not count:
            continue
        notify(
            kind=Kind.FOLLOW_UP_DIGEST,
            dedup_key=f"follow-up-digest:{user.pk}:{day.isoformat()}",
            context={"count": count, "url": _url("accompagnement:mediateur_home")},
            mds=membership.mds,
            user=user,
        )
        queued += 1
    return queued


def _referral_recipients(referral: Referral, *, escalated: bool) -> list[User]:
    if not escalated and referral.target_kind == TargetKind.USER:
        recipient = referral.recipient
        return [recipient] if recipient is not None and recipient.is_active else []
    role = Role.DIRECTION if escalated else referral.target_role
    memberships = (
        Membership.objects.filter(
            mds_id=referral.mds_id, role=role, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("user_id")
    )
    return list({m.user_id: m.user for m in memberships}.values())


def referral_waiting(*, referral: Referral, escalated: bool, working_days: int) -> int:
    """A referral not seen after N working days → its recipient (the named professional, or
    every active member of the target role at its MDS); after M → the MDS direction.

    Called by ``orientations.services.select_reminders`` (registered in ``apps.ready``) inside
    the transaction that marks the referral, so the message is queued with the mark or not at
    all. The text holds the number of working days and a link, never the person, the reason
    or the note (the same for a restricted referral). One message per referral, kind and user.
    """
    kind = Kind.REFERRAL_ESCALATED if escalated else Kind.REFERRAL_WAITING
    url = settings.SITE_URL.rstrip("/") + reverse("orientations:detail", args=[referral.pk])
    recipients = _referral_recipients(referral, escalated=escalated)
    for user in recipients:
        notify(
            kind=kind,
            dedup_key=f"{kind}:{referral.pk}:{user.pk}",
            context={"days": working_days, "url": url},
            mds=referral.mds,
            user=user,
        )
    return len(recipients)
