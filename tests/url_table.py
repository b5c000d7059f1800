"""Building blocks of the URL x role table (see ``tests/url_roles.py``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mds.roles import Role

R = Role

MDS_STAFF = frozenset({R.ACCUEIL, R.MEDIATEUR, R.TRAVAILLEUR_SOCIAL, R.SECRETARIAT, R.DIRECTION})


@dataclass(frozen=True)
class Page:
    """A URL and the roles that may open it; every other role gets 403."""

    name: str
    roles: frozenset[str]
    method: str = "get"
    # builds URL kwargs from the test context (objects of MDS A), for pages about one record
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = field(default=lambda ctx: {})
    data: dict[str, Any] = field(default_factory=dict)
    ok_status: tuple[int, ...] = (200,)
