"""Accompagnement rows of the URL x role table."""

from __future__ import annotations

from typing import Any

from mds.models import MDS
from tests.url_table import Page, R

MEDIATOR = frozenset({R.MEDIATEUR})


def _usager(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ctx["usager"].pk}


def _session(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ctx["session"].pk}


PAGES: tuple[Page, ...] = (
    Page("accompagnement:mediateur_home", MEDIATOR),
    Page("accompagnement:session_new", MEDIATOR),
    # closing a follow-up is only for the session's own mediator: 404 for other mediators
    Page(
        "accompagnement:follow_up_close",
        MEDIATOR,
        method="post",
        kwargs=_session,
        ok_status=(302, 404),
    ),
    Page(
        "accompagnement:right_checked",
        MEDIATOR,
        method="post",
        kwargs=lambda ctx: {"pk": ctx["right_check"].pk},
        ok_status=(302,),
    ),
    Page("accompagnement:usagers", MEDIATOR),
    Page("accompagnement:usager_new", MEDIATOR),
    Page("accompagnement:usager", MEDIATOR, kwargs=_usager),
    Page("accompagnement:ateliers", MEDIATOR),
    Page("accompagnement:atelier_new", MEDIATOR),
    Page("accompagnement:social_home", frozenset({R.TRAVAILLEUR_SOCIAL})),
)

PUBLIC: frozenset[str] = frozenset()


def context(mds: MDS) -> dict[str, Any]:
    """An usager of MDS A with one session."""
    from accompagnement.models import RelatedRightCheck, SocialRight
    from tests.accompagnement.factories import MediationSessionFactory, UsagerFactory

    usager = UsagerFactory(mds=mds)
    session = MediationSessionFactory(mds=mds, usager=usager)
    check = RelatedRightCheck.objects.create(
        session=session, right=SocialRight.objects.get(code="css")
    )
    return {"usager": usager, "session": session, "right_check": check}
