"""Page weight and load time of the accueil pages on a slow link (issue 13, items 18 and 19).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mds_bench .venv/bin/python bench/pageweight.py \
        [--taps 5] [--kbps 400] [--latency 400]

1. migrates the database, seeds the demo accounts (bench password) and collects the static files
   as production does (WhiteNoise's ``CompressedManifestStaticFilesStorage``: hashed names, gzip,
   ``Cache-Control: immutable``) into a temporary ``STATIC_ROOT``;
2. starts gunicorn (``bench.settings``, DEBUG off) on 127.0.0.1 and puts 12 people in the queue;
3. drives Debian's Chromium (Playwright, ``/usr/bin/chromium --no-sandbox``) with Chrome's own
   network emulation (CDP ``Network.emulateNetworkConditions``: 400 kbit/s each way, 400 ms
   latency per request) and prints, for the check-in page, the waiting list and the board:
   - **cold**: a fresh browser context (empty cache, the agent's session cookie only);
   - **warm**: the next visit in the same context (the next check-in);
   each with the bytes on the wire (CDP ``encodedDataLength``: headers + body as received), the
   number of requests that reached the network and the load time (navigation start → ``load``);
4. tap-to-ticket: from the motive tap to the ticket number on screen (median of ``--taps``).

Goals of issue 13: check-in page <= 40 KB and <= 1.5 s cold, next check-in <= 10 KB, tap-to-ticket
<= 0.6 s. Figures go to stdout and ``bench/results/pageweight-<date>.txt``; always exits 0 (a
measurement; the byte budget is asserted by tests/accueil/test_pageweight.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from bench.checkin import (  # noqa: E402 -- after the path setup above
    AGENT,
    AGENT_MDS,
    HOST,
    PASSWORD,
    RESULTS,
    bench_environment,
    clean_bench_checkins,
    ensure_database,
    free_port,
    gunicorn,
    out,
)

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
GOAL_COLD_BYTES = 40 * 1024
GOAL_COLD_SECONDS = 1.5
GOAL_WARM_BYTES = 10 * 1024
GOAL_TAP_SECONDS = 0.6
MOTIVE = "Information"
#: Each request of the page: start, first byte, end (ms from the navigation start).
TIMELINE = """() => performance.getEntriesByType('navigation')
    .concat(performance.getEntriesByType('resource'))
    .map(e => [e.name, e.startTime, e.responseStart, e.responseEnd])"""


def prepare() -> str:
    """Migrate, seed, collect static files, fill the queue; returns the board's URL."""
    from django.core.cache import cache
    from django.core.management import call_command
    from django.utils import timezone

    from accueil import services
    from accueil.models import Motive
    from mds.models import MDS, User

    call_command("migrate", "--noinput", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    call_command("collectstatic", "--noinput", verbosity=0)
    cache.clear()  # login rate limits of earlier runs (the bench's own Redis db)
    clean_bench_checkins()
    mds = MDS.objects.get(code=AGENT_MDS)
    agent = User.objects.get(email=AGENT)
    motives = list(Motive.objects.filter(is_active=True))
    now = timezone.now()
    for i in range(12):
        services.check_in(
            mds=mds,
            agent=agent,
            motive=motives[i % len(motives)],
            client_token=uuid.uuid4(),
            alias=["Amina", "", "Jean-Pierre", ""][i % 4],
            now=now - dt.timedelta(minutes=3 * (12 - i)),
        )
    return f"/ecran/{mds.board_token}/?langue=fr"


class Link:
    """One page with Chrome's network emulation and a byte counter over CDP."""

    def __init__(self, context: Any, kbps: int, latency_ms: int) -> None:
        self.page = context.new_page()
        self.cdp = context.new_cdp_session(self.page)
        self.bytes = 0
        self.requests = 0
        self.urls: dict[str, str] = {}
        self.detail: list[tuple[str, int]] = []
        self.cdp.send("Network.enable")
        self.cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": latency_ms,
                "downloadThroughput": kbps * 1000 / 8,
                "uploadThroughput": kbps * 1000 / 8,
            },
        )
        self.cdp.on("Network.loadingFinished", self._finished)
        self.cdp.on("Network.requestWillBeSent", self._sent)

    def _sent(self, event: dict[str, Any]) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]

    def _finished(self, event: dict[str, Any]) -> None:
        size = int(event.get("encodedDataLength", 0))
        if size > 0:  # 0: served from the browser's cache
            self.bytes += size
            self.requests += 1
            self.detail.append((self.urls.get(event["requestId"], "?"), size))

    def reset(self) -> None:
        self.bytes = 0
        self.requests = 0
        self.detail = []

    def visit(self, url: str) -> tuple[int, int, float]:
        """(bytes on the wire, network requests, seconds to the load event)."""
        self.reset()
        self.page.goto(url, wait_until="load")
        self.page.wait_for_timeout(1500)  # late requests (the favicon) are counted too
        seconds = self.page.evaluate(
            "performance.getEntriesByType('navigation')[0].loadEventEnd / 1000"
        )
        return self.bytes, self.requests, float(seconds)


def measure(
    base_url: str, board_url: str, taps: int, kbps: int, latency: int, detail: bool
) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-dev-shm-usage"],
        )
        login_context = browser.new_context(base_url=base_url, locale="fr-FR")
        login_page = login_context.new_page()
        login_page.goto("/compte/login/")
        login_page.get_by_label("Adresse électronique").fill(AGENT)
        login_page.get_by_label("Mot de passe").fill(PASSWORD)
        login_page.get_by_role("button", name="Se connecter").click()
        login_page.wait_for_url(lambda url: "/login/" not in url)
        state = login_context.storage_state()
        login_context.close()

        out(f"Lien émulé : {kbps} kbit/s montant et descendant, latence {latency} ms par requête")
        out(f"{'page':<22}{'':>6}{'octets':>10}{'requêtes':>10}{'chargement':>12}")
        pages = [
            ("page d'arrivée", "/accueil/arrivee/"),
            ("file d'attente", "/accueil/"),
            ("écran de la salle", board_url),
        ]
        results: dict[str, tuple[int, int, float]] = {}
        for label, url in pages:
            context = browser.new_context(
                base_url=base_url,
                locale="fr-FR",
                viewport={"width": 1024, "height": 768},
                storage_state=state,
            )
            link = Link(context, kbps, latency)
            for kind in ("froid", "chaud"):
                size, count, seconds = link.visit(url)
                results[f"{label} {kind}"] = (size, count, seconds)
                out(f"{label:<22}{kind:>6}{size:>10}{count:>10}{seconds:>11.2f}s")
                for request_url, request_bytes in link.detail if detail else []:
                    out(f"    {request_bytes:>8}  {request_url.removeprefix(base_url)}")
                timeline = link.page.evaluate(TIMELINE) if detail else []
                for name, start, first_byte, end in timeline:
                    out(
                        f"    {start:>6.0f} → {first_byte:>6.0f} → {end:>6.0f} ms  "
                        f"{name.removeprefix(base_url)}"
                    )
            context.close()

        context = browser.new_context(
            base_url=base_url,
            locale="fr-FR",
            viewport={"width": 1024, "height": 768},
            storage_state=state,
        )
        link = Link(context, kbps, latency)
        link.visit("/accueil/arrivee/")
        times: list[float] = []
        in_page: list[float] = []
        tap_bytes: list[int] = []
        for _ in range(taps):
            button = link.page.get_by_role("button", name=MOTIVE, exact=True)
            button.wait_for()
            link.reset()
            started = time.perf_counter()
            button.click()
            link.page.locator("#ticket").wait_for(state="visible")
            times.append(time.perf_counter() - started)
            link.page.wait_for_load_state("load")
            # The ticket's document, from the tap's navigation start to its DOM ready (its
            # stylesheet and scripts are cached): without Playwright's own round trips.
            in_page.append(
                link.page.evaluate(
                    "performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd / 1000"
                )
            )
            link.page.wait_for_timeout(300)
            tap_bytes.append(link.bytes)
            link.visit("/accueil/arrivee/")
        context.close()
        browser.close()

    tap = statistics.median(in_page)
    out(
        f"touche du motif → ticket affiché (navigation, dans la page) : médiane {tap:.2f} s "
        f"(min {min(in_page):.2f}, max {max(in_page):.2f}, {taps} essais), "
        f"{statistics.median(tap_bytes):.0f} octets"
    )
    out(
        f"  vu de Playwright (clic → #ticket visible, ses allers-retours compris) : médiane "
        f"{statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f})"
    )
    cold_bytes, _, cold_seconds = results["page d'arrivée froid"]
    warm_bytes = results["page d'arrivée chaud"][0]
    verdicts = [
        ("page d'arrivée à froid <= 40 Ko", cold_bytes <= GOAL_COLD_BYTES),
        ("page d'arrivée à froid <= 1,5 s", cold_seconds <= GOAL_COLD_SECONDS),
        ("arrivée suivante <= 10 Ko", warm_bytes <= GOAL_WARM_BYTES),
        ("touche → ticket <= 0,6 s", tap <= GOAL_TAP_SECONDS),
    ]
    for text, ok in verdicts:
        out(f"objectif {text} : {'PASS' if ok else 'FAIL'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--taps", type=int, default=5, help="essais touche → ticket")
    parser.add_argument("--kbps", type=int, default=400, help="débit émulé (kbit/s)")
    parser.add_argument("--latency", type=int, default=400, help="latence émulée (ms)")
    parser.add_argument("--detail", action="store_true", help="octets de chaque requête")
    args = parser.parse_args(argv)
    url = bench_environment()
    if url is None:
        return 2
    os.environ["BENCH_COLLECTED_STATIC"] = "1"
    now = dt.datetime.now()
    with tempfile.TemporaryDirectory(prefix="mds-static-") as static_root:
        os.environ["STATIC_ROOT"] = static_root
        ensure_database(url)
        import django

        django.setup()
        board_url = prepare()
        port = free_port()
        RESULTS.mkdir(parents=True, exist_ok=True)
        try:
            with gunicorn(port, 2, RESULTS / f"gunicorn-pageweight-{now:%Y-%m-%d}.log"):
                measure(
                    f"http://{HOST}:{port}",
                    board_url,
                    args.taps,
                    args.kbps,
                    args.latency,
                    args.detail,
                )
        except Exception as error:  # a measurement: report, exit 0
            out(f"Échec de la mesure : {error!r}")
        finally:
            clean_bench_checkins()
    (RESULTS / f"pageweight-{now:%Y-%m-%d-%H%M}.txt").write_text("\n".join(out.lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
