"""The people the rgpd pages show: scoped through mds.permissions, searched by name or number."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accompagnement.models import Usager
from mds.models import User
from mds.permissions import scope
from mds.roles import Role

from ..models import JournalReason
from ..rules import VAULT_ROLE
from ..selectors.access import VIEW, journal_access_refusal


def vault_usagers(user: User | AnonymousUser | None) -> QuerySet[Usager]:
    """The people whose vault the mediator may open: those of their MDS."""
    return scope(Usager.objects.select_related("mds"), user, VAULT_ROLE)


def all_usagers_for_dpo(user: User | AnonymousUser | None) -> QuerySet[Usager]:
    return scope(Usager.objects.select_related("mds"), user, Role.DPO)


# What a person is fetched for (the ``action`` argument of :func:`access_usager`).
VAULT = "vault"  # a mediator opening the person's vault
DPO = "dpo"  # the DPO exporting or erasing


def access_usager(user: User, pk: int, action: str) -> Usager:
    """The person ``pk`` for ``user``, or a 404 — journaled when the person exists elsewhere.

    A person of another MDS is "not found" (their existence is not disclosed), and the attempt
    is journaled (who, which id, ``refused_other_mds``) like the vault's other refusals.
    """
    queryset = vault_usagers(user) if action == VAULT else all_usagers_for_dpo(user)
    usager = queryset.filter(pk=pk).first()
    if usager is not None:
        return usager
    elsewhere = Usager.objects.select_related("mds").filter(pk=pk).first()
    if elsewhere is not None:
        journal_access_refusal(
            user,
            target_type="usager",
            target_id=pk,
            reason=JournalReason.REFUSED_OTHER_MDS,
            action=VIEW,
            mds=elsewhere.mds,
        )
    raise Http404(_("Personne introuvable."))
