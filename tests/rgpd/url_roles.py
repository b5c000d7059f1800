"""RGPD rows of the URL x role table: the vault for mediators, data-protection pages for the DPO."""

from __future__ import annotations

from typing import Any

from mds.models import MDS
from tests.url_table import Page, R

MED = frozenset({R.MEDIATEUR})
DPO = frozenset({R.DPO})


def _usager(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"usager_id": ctx["rgpd_usager"].pk}


PAGES: tuple[Page, ...] = (
    Page("rgpd:vault_home", MED),
    Page("rgpd:person_vault", MED, kwargs=_usager),
    Page("rgpd:consent_new", MED, kwargs=_usager),
    Page("rgpd:credential_new", MED, kwargs=_usager),
    Page("rgpd:document_new", MED, kwargs=_usager),
    Page("rgpd:consent_proof", MED, kwargs=lambda ctx: {"consent_id": ctx["rgpd_consent"].pk}),
    Page(
        "rgpd:consent_signature",
        MED,
        kwargs=lambda ctx: {"consent_id": ctx["rgpd_signed_consent"].pk},
    ),
    Page("rgpd:consent_withdraw", MED, kwargs=lambda ctx: {"consent_id": ctx["rgpd_consent"].pk}),
    Page(
        "rgpd:credential_reveal",
        MED,
        kwargs=lambda ctx: {"credential_id": ctx["rgpd_credential"].pk},
    ),
    Page(
        "rgpd:credential_hand_over",
        MED,
        method="post",
        # without a recent re-authentication: sent to allauth's password page
        ok_status=(302,),
        kwargs=lambda ctx: {"credential_id": ctx["rgpd_credential"].pk},
    ),
    Page(
        "rgpd:credential_destroy",
        MED,
        kwargs=lambda ctx: {"credential_id": ctx["rgpd_credential"].pk},
    ),
    Page(
        "rgpd:document_download",
        MED,
        kwargs=lambda ctx: {"document_id": ctx["rgpd_document"].pk},
    ),
    Page("rgpd:document_destroy", MED, kwargs=lambda ctx: {"document_id": ctx["rgpd_document"].pk}),
    Page("rgpd:home", DPO),
    Page("rgpd:person_search", DPO),
    Page("rgpd:person_export", DPO, kwargs=_usager),
    Page("rgpd:person_export_json", DPO, kwargs=_usager),
    Page("rgpd:person_erase", DPO, kwargs=_usager),
    Page("rgpd:register", DPO),
    Page("rgpd:journal", DPO),
)

PUBLIC: frozenset[str] = frozenset()


def context(mds: MDS) -> dict[str, Any]:
    from tests.accompagnement.factories import UsagerFactory
    from tests.rgpd.factories import (
        make_consent,
        make_credential,
        make_document,
        make_signed_consent,
    )

    usager = UsagerFactory(mds=mds)
    consent = make_consent(usager)
    return {
        "rgpd_usager": usager,
        "rgpd_consent": consent,
        "rgpd_signed_consent": make_signed_consent(usager, "reminders"),
        "rgpd_credential": make_credential(usager, consent=consent),
        "rgpd_document": make_document(usager),
    }
