"""Accompagnement rows of the URL x role table."""

from __future__ import annotations

from typing import Any

from mds.models import MDS
from tests.url_table import Page, R

MEDIATEUR = frozenset({R.MEDIATEUR})


def _usager(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ctx["usager"].pk}


def _session(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ctx["session"].pk}


PAGES: tuple[Page, ...] = (
    Page("accompagnement:mediateur_home", MEDIATEUR),
    Page("accompagnement:session_new", MEDIATEUR),
    Page("accompagnement:usager_picker", MEDIATEUR),
    # Closing a follow-up is only for the session's own mediator. The table's mediator is a new
    # user, never the session's author: the row proves the role reaches the view (404, not 403);
    # the author's 302 is test_views.test_only_the_sessions_mediator_closes_its_follow_up.
    Page(
        "accompagnement:follow_up_close",
        MEDIATEUR,
        method="post",
        kwargs=_session,
        ok_status=(404,),
    ),
    Page(
        "accompagnement:right_checked",
        MEDIATEUR,
        method="post",
        kwargs=lambda ctx: {"pk": ctx["right_check"].pk},
        ok_status=(302,),
    ),
    Page("accompagnement:usagers", MEDIATEUR),
    Page("accompagnement:usager_new", MEDIATEUR),
    Page("accompagnement:usager", MEDIATEUR, kwargs=_usager),
    Page("accompagnement:ateliers", MEDIATEUR),
    Page("accompagnement:atelier_new", MEDIATEUR),
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
