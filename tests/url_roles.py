"""The URL x role table: which roles reach which page. Every issue extends it.

Each entry names a URL and the roles that may open it; every other role must get 403 and an
anonymous visitor must be sent to the login page. ``tests/mds/test_url_role_table.py`` also
checks that every named URL of our apps is listed, so a new view cannot be forgotten.
Each app keeps its rows in ``tests/<app>/url_roles.py`` (``PAGES``, ``PUBLIC``, ``context``).
"""

from __future__ import annotations

from typing import Any

from mds.models import MDS
from tests.accompagnement import url_roles as accompagnement
from tests.accueil import url_roles as accueil
from tests.notifications import url_roles as notifications
from tests.orientations import url_roles as orientations
from tests.pilotage import url_roles as pilotage
from tests.rgpd import url_roles as rgpd
from tests.url_table import MDS_STAFF, Page, R

APPS = (accueil, accompagnement, rgpd, orientations, notifications, pilotage)

PAGES: tuple[Page, ...] = (
    Page("mds:admin_home", frozenset({R.ADMIN})),
    Page("mds:jobs", frozenset({R.ADMIN, R.DPO})),
    Page("mds:team", MDS_STAFF | {R.DIRECTION_DEPARTEMENTALE}),
    *(page for app in APPS for page in app.PAGES),
)

#: Named URLs that any logged-in user may reach (they check the MDS themselves, or redirect).
ANY_LOGGED_IN: frozenset[str] = frozenset({"home", "mds:choose_mds", "my_account"})
#: Named URLs open without login.
PUBLIC: frozenset[str] = frozenset({"healthz", "accessibility", "favicon"}).union(
    *(app.PUBLIC for app in APPS)
)
#: Namespaces owned by libraries (allauth, admin), tested through their own journeys.
LIBRARY_NAMESPACES: frozenset[str] = frozenset({"admin"})


def build_context(mds: MDS) -> dict[str, Any]:
    context: dict[str, Any] = {"mds": mds}
    for app in APPS:
        context.update(app.context(mds))
    return context
