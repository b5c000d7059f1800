"""Accueil rows of the URL x role table."""

from __future__ import annotations

from typing import Any

from mds.models import MDS
from tests.url_table import Page, R

QUEUE = frozenset({R.ACCUEIL, R.SECRETARIAT, R.MEDIATEUR, R.TRAVAILLEUR_SOCIAL})
DESK = frozenset({R.SECRETARIAT, R.MEDIATEUR, R.TRAVAILLEUR_SOCIAL})


def _passage(ctx: dict[str, Any]) -> dict[str, Any]:
    return {"pk": ctx["passage"].pk}


PAGES: tuple[Page, ...] = (
    Page("accueil:home", frozenset({R.ACCUEIL})),
    Page("accueil:checkin", frozenset({R.ACCUEIL, R.SECRETARIAT})),
    Page("accueil:ticket", frozenset({R.ACCUEIL, R.SECRETARIAT}), kwargs=_passage),
    Page("accueil:queue_rows", QUEUE),
    Page("accueil:passage", QUEUE, kwargs=_passage),
    Page(
        "accueil:passage_action",
        QUEUE,
        method="post",
        kwargs=_passage,
        data={"action": "call", "desk": "Bureau 1"},
        ok_status=(302,),
    ),
    Page("accueil:close_day", frozenset({R.ACCUEIL, R.SECRETARIAT})),
    Page("accueil:desk", DESK),
    Page("accueil:call_next", DESK, method="post", data={"desk": "Bureau 1"}, ok_status=(302,)),
)

PUBLIC: frozenset[str] = frozenset({"accueil:board", "accueil:board_content"})


def context(mds: MDS) -> dict[str, Any]:
    """Records of MDS A that the pages above are about."""
    from tests.accueil.factories import PassageFactory

    return {"passage": PassageFactory(mds=mds)}
