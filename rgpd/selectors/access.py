"""``access_*``: fetch one vault object for one user about to do one thing with it, or refuse.

The only way the vault's views fetch a consent, a credential or a document. A missing object is
a 404. Every refusal is journaled — who, which object id, why — in its own transaction (the
refusal is raised afterwards, so nothing rolls the entry back), then raised as
:class:`rgpd.rules.VaultRefused` (a 403):

- ``refused_no_role``: the user has no vault role (e.g. an agent d'accueil trying a reveal URL);
- ``refused_other_mds``: the object belongs to an MDS where the user is not a mediator.

The journal action says what was attempted: ``reveal_refused`` for a reveal or a download,
``access_refused`` for anything else (viewing a page, withdrawing, destroying).
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.db import models, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from mds.models import MDS, User
from mds.permissions import can_act_in, has_role

from .. import journal
from ..models import Consent, JournalAction, JournalReason, ScannedDocument, TemporaryCredential
from ..rules import VAULT_ROLE, VaultRefused

logger = logging.getLogger("rgpd.access")

# What the user is about to do with the object (the ``action`` argument of the helpers).
VIEW = "view"
REVEAL = "reveal"
DOWNLOAD = "download"
WITHDRAW = "withdraw"
DESTROY = "destroy"
ACTIONS = frozenset({VIEW, REVEAL, DOWNLOAD, WITHDRAW, DESTROY})


def journal_access_refusal(
    user: User,
    *,
    target_type: str,
    target_id: Any,
    reason: str,
    action: str,
    mds: MDS | None,
) -> None:
    """Journal a refused access (its own transaction: the caller raises right after)."""
    journal_action = (
        JournalAction.REVEAL_REFUSED
        if action in (REVEAL, DOWNLOAD)
        else JournalAction.ACCESS_REFUSED
    )
    with transaction.atomic():
        journal.record(
            actor=user,
            action=journal_action,
            target_type=target_type,
            target_id=str(target_id),
            reason=reason,
            mds=mds,
        )
    logger.info("Vault access refused: %s %s %s (%s)", action, target_type, target_id, reason)


def _access(
    user: User, queryset: models.QuerySet[Any], pk: uuid.UUID, action: str, target_type: str
) -> Any:
    if action not in ACTIONS:
        raise ValueError(f"Action inconnue : {action!r}")
    item = queryset.filter(pk=pk).first()
    reason = ""
    if not has_role(user, VAULT_ROLE):
        reason = JournalReason.REFUSED_NO_ROLE
    elif item is None:
        raise Http404(_("Élément introuvable."))
    elif not can_act_in(user, item.mds_id, VAULT_ROLE):
        reason = JournalReason.REFUSED_OTHER_MDS
    if reason:
        journal_access_refusal(
            user,
            target_type=target_type,
            target_id=pk,
            reason=reason,
            action=action,
            mds=item.mds if item is not None else None,
        )
        raise VaultRefused(reason)
    return item


def access_credential(user: User, pk: uuid.UUID, action: str) -> TemporaryCredential:
    queryset = TemporaryCredential.objects.select_related("secret", "consent", "usager", "mds")
    item: TemporaryCredential = _access(user, queryset, pk, action, "credential")
    return item


def access_document(user: User, pk: uuid.UUID, action: str) -> ScannedDocument:
    queryset = ScannedDocument.objects.select_related("secret", "consent", "usager", "mds")
    item: ScannedDocument = _access(user, queryset, pk, action, "document")
    return item


def access_consent(user: User, pk: uuid.UUID, action: str) -> Consent:
    queryset = Consent.objects.select_related("purpose", "text", "usager", "mds", "witnessed_by")
    item: Consent = _access(user, queryset, pk, action, "consent")
    return item
