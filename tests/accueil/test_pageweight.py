"""The byte budget of the check-in page on the desk's slow link (issue 13, item 19).

Bytes are deterministic, times are not: times stay in bench/pageweight.py (Chromium with a
400 kbit/s, 400 ms emulated link), the budget in bytes is asserted here. What a tablet receives
is computed as production serves it: the page as the view answers it (gzip asked for, headers
included) and each static file it links gzipped as WhiteNoise's
``CompressedManifestStaticFilesStorage`` stores it (level 9), plus an allowance for its headers.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from mds.models import MDS, User
from mds.roles import Role

COLD_BUDGET = 40 * 1024
NEXT_CHECK_IN_BUDGET = 10 * 1024
#: Status line and headers of a static file answer (WhiteNoise: ~300 bytes, measured by the bench).
STATIC_HEADERS = 400
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+)"')


def _wire(response: HttpResponse) -> int:
    status = f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n"
    return len(status) + len(response.serialize_headers()) + 4 + len(response.content)


def _asset_bytes(url: str) -> int:
    path = finders.find(url.removeprefix("/static/"))
    assert path, f"{url} introuvable"
    with open(path, "rb") as handle:
        return len(gzip.compress(handle.read(), compresslevel=9)) + STATIC_HEADERS


def _page(client: Client, url: str) -> tuple[HttpResponse, list[str]]:
    response = client.get(url, headers={"Accept-Encoding": "gzip, deflate"})
    assert response.status_code == 200
    html = gzip.decompress(response.content).decode()
    return response, ASSET.findall(html)


def test_the_check_in_page_fits_the_slow_link_budget(
    member: Callable[..., User], mds_a: MDS
) -> None:
    client = Client()
    client.force_login(member(Role.ACCUEIL, mds_a))
    response, assets = _page(client, reverse("accueil:checkin"))
    assert response["Content-Encoding"] == "gzip"
    # No Bootstrap JavaScript, no htmx on the check-in page; the Bootstrap subset, not all of it.
    assert not [url for url in assets if "bootstrap.bundle" in url or "htmx" in url]
    assert any("bootstrap.subset" in url for url in assets)
    cold = _wire(response) + sum(_asset_bytes(url) for url in assets)
    assert cold <= COLD_BUDGET, f"page d'arrivée à froid : {cold} octets"
    # The next check-in: the page alone, its static files are cached (immutable).
    assert _wire(response) <= NEXT_CHECK_IN_BUDGET


def test_the_ticket_answer_of_a_tap_is_small(member: Callable[..., User], mds_a: MDS) -> None:
    import uuid

    client = Client()
    client.force_login(member(Role.ACCUEIL, mds_a))
    response = client.post(
        reverse("accueil:checkin"),
        {"client_token": str(uuid.uuid4()), "motive": "information", "mds": mds_a.pk},
        headers={"Accept-Encoding": "gzip"},
    )
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert "ticket-card" in gzip.decompress(response.content).decode()
    assert _wire(response) <= 4 * 1024


def test_a_check_in_form_sent_back_with_typed_text_is_not_compressed(
    member: Callable[..., User], mds_a: MDS
) -> None:
    """BREACH: an answer that echoes what was typed next to the CSRF token stays uncompressed."""
    client = Client()
    client.force_login(member(Role.ACCUEIL, mds_a))
    response = client.post(
        reverse("accueil:checkin"),
        {"client_token": "pas-un-uuid", "motive": "information", "alias": "Fatima"},
        headers={"Accept-Encoding": "gzip"},
    )
    assert response.status_code == 400
    assert not response.has_header("Content-Encoding")
    assert 'value="Fatima"' in response.content.decode()
