"""Orientations rows of the URL x role table.

A referral of MDS A goes to the role "travailleur social": any social worker of MDS A opens
it (200); other professionals who may open referral pages but are not concerned get 404 (the
refusal is journaled); roles that never handle referrals get 403.
"""

from __future__ import annotations

from typing import Any

from mds.models import MDS
from tests.url_table import MDS_STAFF, Page, R

RECEIVERS = frozenset({R.TRAVAILLEUR_SOCIAL, R.SECRETARIAT, R.MEDIATEUR})


def _referral(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ctx["referral"].pk}


PAGES: tuple[Page, ...] = (
    Page("orientations:inbox", RECEIVERS),
    Page("orientations:sent", MDS_STAFF),
    Page("orientations:overview", frozenset({R.DIRECTION})),
    Page("orientations:new", MDS_STAFF),
    Page("orientations:detail", MDS_STAFF, kwargs=_referral, ok_status=(200, 404)),
    Page("orientations:take", RECEIVERS, method="post", kwargs=_referral, ok_status=(302, 404)),
    Page("orientations:accept", RECEIVERS, kwargs=_referral, ok_status=(200, 404)),
    Page("orientations:decline", RECEIVERS, kwargs=_referral, ok_status=(200, 404)),
    Page("orientations:close", MDS_STAFF, kwargs=_referral, ok_status=(200, 404)),
    Page("orientations:directory", MDS_STAFF),
    Page("orientations:sheet", MDS_STAFF, kwargs=lambda ctx: {"pk": ctx["partner"].pk}),
    Page("orientations:directory_import", frozenset({R.ADMIN})),
)

PUBLIC: frozenset[str] = frozenset()


def context(mds: MDS) -> dict[str, Any]:
    """A referral of MDS A to the social workers, and a partner with a permanence."""
    import datetime as dt

    from mds.roles import Role
    from orientations.models import Partner, Permanence, ReasonCategory
    from orientations.services import send_referral
    from tests.factories import make_member

    referral = send_referral(
        actor=make_member(Role.ACCUEIL, mds, email="accueil-table@a.test"),
        mds=mds,
        reason_category=ReasonCategory.objects.get(code="evaluation_sociale"),
        consent_given=True,
        pseudonym="Samira",
        target_role=Role.TRAVAILLEUR_SOCIAL,
    )
    partner = Partner.objects.create(external_id="table", nom="Centre social", commune="Marseille")
    Permanence.objects.create(
        partner=partner,
        weekday=1,
        starts_at=dt.time(9),
        ends_at=dt.time(12),
        offers=["ordinateurs"],
    )
    return {"referral": referral, "partner": partner}
