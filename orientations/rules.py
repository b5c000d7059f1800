"""Who may see or act on one referral: the rule, in one place (services and selectors use it).

- **see**: the sender; the named recipient; for a role target not yet taken, any professional
  of that role at the MDS; the MDS direction. A *restricted* referral (information
  préoccupante, protection de l'enfance) always has a named recipient, so only the sender, that
  recipient and the direction see it.
- **act** (take, accept, decline): the named recipient, or, for a role target not yet taken, a
  professional of that role at the MDS (taking it makes them the recipient).
- **close**: the recipient; for a partner target (no account), the sender.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from mds.permissions import can_act_in, roles_of
from mds.roles import Role
from rgpd import journal
from rgpd.models import JournalAction, JournalReason

from .models import TARGET_ROLES, Referral, TargetKind

if TYPE_CHECKING:
    from mds.models import User

logger = logging.getLogger(__name__)

VIEW = "view"
ACT = "act"
CLOSE = "close"
ACTIONS = (VIEW, ACT, CLOSE)


def _is(user: User | AnonymousUser | None, user_id: int | None) -> bool:
    return user is not None and user.is_authenticated and user_id is not None and user.pk == user_id


def _role_target_open_to(user: User | AnonymousUser | None, referral: Referral) -> bool:
    return (
        referral.target_kind == TargetKind.ROLE
        and referral.recipient_id is None
        and can_act_in(user, referral.mds_id, referral.target_role)
    )


def _recipient_active(user: User | AnonymousUser | None, referral: Referral) -> bool:
    # A recipient who left the MDS (membership ended) no longer acts on its referrals.
    return _is(user, referral.recipient_id) and can_act_in(user, referral.mds_id, *TARGET_ROLES)


def may(user: User | AnonymousUser | None, referral: Referral, action: str) -> bool:
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if user is None or not user.is_authenticated or not roles_of(user):
        return False
    if action == VIEW:
        return (
            _is(user, referral.sender_id)
            or _is(user, referral.recipient_id)
            or (not referral.restricted and _role_target_open_to(user, referral))
            or can_act_in(user, referral.mds_id, Role.DIRECTION)
        )
    if action == ACT:
        return _recipient_active(user, referral) or _role_target_open_to(user, referral)
    # CLOSE
    if referral.target_kind == TargetKind.PARTNER:
        return _is(user, referral.sender_id)
    return _recipient_active(user, referral)


def refusal_reason(user: User | AnonymousUser | None, referral: Referral) -> str:
    """The journal's reason code for a refusal: another MDS, or not the recipient."""
    if not can_act_in(user, referral.mds_id):
        return JournalReason.REFUSED_OTHER_MDS
    return JournalReason.OTHER


def journal_refusal(*, actor: User, referral: Referral) -> None:
    """Journal that ``actor`` tried to reach a referral they may not, in its own transaction
    (callers refuse before opening theirs, so the entry stays when they raise)."""
    with transaction.atomic():
        journal.record(
            actor=actor,
            action=JournalAction.REVEAL_REFUSED,
            target_type="referral",
            target_id=referral.pk,
            reason=refusal_reason(actor, referral),
            mds=referral.mds,
        )
    logger.info("Referral access refused: referral %s, user %s", referral.pk, actor.pk)
