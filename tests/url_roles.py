"""The URL x role table: which roles reach which page. Every later issue extends it.

Each entry names a URL and the roles that may open it; every other role must get 403 and an
anonymous visitor must be sent to the login page. ``tests/mds/test_url_role_table.py`` also
checks that every named URL of our apps is listed here, so a new view cannot be forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mds.roles import Role

R = Role


@dataclass(frozen=True)
class Page:
    name: str
    roles: frozenset[str]
    method: str = "get"
    # builds URL kwargs from the test context (objects of MDS A), for pages about one record
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda ctx: {})
    data: dict[str, Any] = field(default_factory=dict)
    ok_status: tuple[int, ...] = (200,)


MDS_STAFF = frozenset({R.ACCUEIL, R.MEDIATEUR, R.TRAVAILLEUR_SOCIAL, R.SECRETARIAT, R.DIRECTION})
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
    Page("accueil:desk", DESK),
    Page("accueil:call_next", DESK, method="post", data={"desk": "Bureau 1"}, ok_status=(302,)),
    Page("accompagnement:mediateur_home", frozenset({R.MEDIATEUR})),
    Page("accompagnement:social_home", frozenset({R.TRAVAILLEUR_SOCIAL})),
    Page("pilotage:home", frozenset({R.DIRECTION, R.DIRECTION_DEPARTEMENTALE})),
    Page("rgpd:home", frozenset({R.DPO})),
    Page("mds:admin_home", frozenset({R.ADMIN})),
    Page("mds:team", MDS_STAFF | {R.DIRECTION_DEPARTEMENTALE}),
)

#: Named URLs that any logged-in user may reach (they check the MDS themselves, or redirect).
ANY_LOGGED_IN: frozenset[str] = frozenset({"home", "mds:choose_mds"})
#: Named URLs open without login.
PUBLIC: frozenset[str] = frozenset(
    {"healthz", "accessibility", "accueil:board", "accueil:board_content"}
)
#: Namespaces owned by libraries (allauth, admin), tested through their own journeys.
LIBRARY_NAMESPACES: frozenset[str] = frozenset({"admin"})
