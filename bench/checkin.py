"""Check-in throughput and latency against a bare Django view, on PostgreSQL with a big history.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mds_bench .venv/bin/python bench/checkin.py \
        [--passages N] [--requests N] [--concurrency C]

Steps: create and migrate the database if needed, seed the demo accounts, generate the history
(``generate_load_data --total N``, reused when already about that size), EXPLAIN the waiting-list
and board queries, start gunicorn (2 workers, ``bench.settings``) on 127.0.0.1, log the demo
agent in over HTTP, then time the bare view and the check-in POST with ``http.client`` threads.
Figures go to stdout and to ``bench/results/checkin-<date>.txt``. It prints PASS/FAIL against the
issue's goals (check-in >= 0.5x the bare view's throughput, p95 server time < 50 ms) but always
exits 0: these are measurements, not a test. gunicorn is stopped whatever happens.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import io
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from types import FrameType
from urllib.parse import urlencode, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "results"
AGENT = "accueil@malpasse.demo.fr"
AGENT_MDS = "malpasse"
PASSWORD = "Bench-demo-password-42"  # noqa: S105 -- demo accounts of the bench database
GOAL_RATIO = 0.5
GOAL_P95_MS = 50.0
HOST = "127.0.0.1"

if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))


class Output:
    """Prints and keeps every line for the results file."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)


out = Output()


# --- database and history ----------------------------------------------------------------


def bench_environment(example_db: str = "mds_bench") -> str | None:
    """The bench's settings for a run driving a server: the dedicated PostgreSQL database's URL,
    or None (after saying why) when ``DATABASE_URL`` is not one."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print(f"DATABASE_URL=postgres://… est nécessaire (base dédiée, ex. {example_db}).")
        return None
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/10")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DEMO_PASSWORD"] = PASSWORD
    return url


def ensure_database(url: str) -> None:
    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                out(f"Création de la base {name}.")
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


def prepare(passages: int, regenerate: bool) -> tuple[int, float | None]:
    """Migrate, seed the demo, make the history. Returns (history size, generation seconds)."""
    from django.core.cache import cache
    from django.core.management import call_command

    from accueil.models import Passage
    from bench.loaddata import GENERATOR_EMAIL

    call_command("migrate", "--noinput", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    cache.clear()  # login rate limits of earlier runs (Redis db 10 is the bench's own)
    existing = Passage.objects.filter(created_by__email=GENERATOR_EMAIL).count()
    if not regenerate and abs(existing - passages) <= passages * 0.05:
        out(f"Historique existant réutilisé : {existing} passages générés.")
        return existing, None
    out(f"Génération de l'historique : {passages} passages (existant : {existing})…")
    started = time.monotonic()
    call_command("generate_load_data", "--truncate", "--total", str(passages))
    seconds = time.monotonic() - started
    return Passage.objects.filter(created_by__email=GENERATOR_EMAIL).count(), seconds


def clean_bench_checkins() -> int:
    """Remove the check-ins made by earlier runs (today, the bench agent) and their counter."""
    from django.db import transaction
    from django.utils import timezone

    from accueil.models import DailyTicketCounter, Passage

    today = timezone.localdate()
    with transaction.atomic():
        qs = Passage.objects.filter(created_by__email=AGENT, day=today, mds__code=AGENT_MDS)
        deleted, _ = qs.delete()
        remaining = Passage.objects.filter(day=today, mds__code=AGENT_MDS)
        last = max(remaining.values_list("ticket_number", flat=True), default=0)
        counters = DailyTicketCounter.objects.filter(day=today, mds__code=AGENT_MDS)
        if last:
            counters.update(last_number=last)
        else:
            counters.delete()
    return deleted


INDEX_RE = re.compile(r"(?:Index(?: Only)? Scan(?: Backward)? using|Bitmap Index Scan on) (\w+)")


def explain_queries() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from accueil import selectors
    from accueil.models import Passage
    from mds.models import MDS, User

    mds = MDS.objects.get(code=AGENT_MDS)
    agent = User.objects.get(email=AGENT)
    month_ago = timezone.now() - dt.timedelta(days=30)
    reads: list[tuple[str, Callable[[], object]]] = [
        (
            "file d'attente (waiting_list)",
            lambda: list(selectors.waiting_list(user=agent, mds=mds)),
        ),
        ("écran d'appel (board_for)", lambda: selectors.board_for(mds=mds)),
        ("écran d'appel (waiting_count)", lambda: selectors.waiting_count(mds=mds)),
        (
            "historique d'un mois (pilotage)",
            lambda: Passage.objects.filter(mds=mds, arrived_at__gte=month_ago).count(),
        ),
    ]
    out("== Plans de requête (EXPLAIN ANALYZE, historique complet) ==")
    for label, read in reads:
        with CaptureQueriesContext(connection) as captured:
            read()
        for query in captured.captured_queries:
            sql = query["sql"]
            if "accueil_passage" not in sql:
                continue  # permission lookups etc.
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = [row[0] for row in cursor.fetchall()]
            indexes = sorted(set(INDEX_RE.findall("\n".join(plan))))
            seq = any("Seq Scan on accueil_passage" in line for line in plan)
            out(f"-- {label} : index {', '.join(indexes) or 'AUCUN'}{' + SEQ SCAN' if seq else ''}")
            for line in plan:
                out(f"   {line}")
    out()


# --- server ------------------------------------------------------------------------------


def free_port(start: int = 8765) -> int:
    for port in range(start, start + 100):
        with socket.socket() as sock:
            if sock.connect_ex((HOST, port)) != 0:
                return port
    raise RuntimeError("Aucun port libre entre 8765 et 8864.")


@contextmanager
def gunicorn(port: int, workers: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """gunicorn in its own process group, always stopped on the way out."""
    binary = Path(sys.executable).parent / "gunicorn"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    with log.open("ab") as log_file:
        proc = subprocess.Popen(
            [
                str(binary),
                "mds.wsgi:application",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                str(workers),
                "--chdir",
                str(BASE_DIR),
                "--log-level",
                "warning",
            ],
            env=env,
            stdout=log_file,
            stderr=log_file,
            start_new_session=True,  # Ctrl-C reaches us, not it: we stop it ourselves
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn s'est arrêté ; voir {log}")
            try:
                status, _, _ = request(port, "GET", "/healthz")
                if status in (200, 503):
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn ne répond pas ; voir {log}")
            time.sleep(0.2)
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        out(f"gunicorn (pid {proc.pid}) arrêté.")


# --- HTTP client -------------------------------------------------------------------------


def request(
    port: int,
    method: str,
    path: str,
    body: str | None = None,
    headers: dict[str, str] | None = None,
    conn: http.client.HTTPConnection | None = None,
) -> tuple[int, http.client.HTTPResponse, bytes]:
    own = conn is None
    conn = conn or http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, response, data
    finally:
        if own:
            conn.close()


class Session:
    """Cookies of one logged-in browser."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def keep(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value

    def headers(self, **extra: str) -> dict[str, str]:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {"Cookie": cookie, **extra}

    def get(self, path: str) -> tuple[int, bytes]:
        status, response, body = request(self.port, "GET", path, headers=self.headers())
        self.keep(response)
        return status, body

    def post(self, path: str, data: dict[str, str]) -> tuple[int, http.client.HTTPResponse]:
        headers = self.headers(**{"Content-Type": "application/x-www-form-urlencoded"})
        status, response, _ = request(self.port, "POST", path, urlencode(data), headers)
        self.keep(response)
        return status, response


CSRF_RE = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_from(body: bytes) -> str:
    found = CSRF_RE.search(body)
    if found is None:
        raise RuntimeError("Jeton CSRF introuvable dans la page.")
    return found.group(1).decode()


def login(port: int) -> tuple[Session, str]:
    """Log the demo agent in like a browser; returns the session and the check-in CSRF token."""
    session = Session(port)
    status, body = session.get("/compte/login/")
    status, _ = session.post(
        "/compte/login/",
        {"login": AGENT, "password": PASSWORD, "csrfmiddlewaretoken": csrf_from(body)},
    )
    if status != 302 or "sessionid" not in session.cookies:
        raise RuntimeError(f"Connexion de {AGENT} refusée (HTTP {status}).")
    status, body = session.get("/accueil/arrivee/")
    if status != 200:
        raise RuntimeError(f"Page d'arrivée : HTTP {status}.")
    return session, csrf_from(body)


@dataclass
class Sample:
    client_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    def merge(self, other: Sample) -> None:
        self.client_ms += other.client_ms
        self.server_ms += other.server_ms
        self.errors += other.errors
        self.seconds += other.seconds

    @property
    def throughput(self) -> float:
        return len(self.client_ms) / self.seconds if self.seconds else 0.0


TIMING_RE = re.compile(r"dur=([0-9.]+)")


def load(
    port: int,
    count: int,
    concurrency: int,
    make: Callable[[], tuple[str, str, str | None]],
    session_headers: dict[str, str],
) -> Sample:
    """``count`` requests from ``concurrency`` threads; ``make`` gives (method, path, body)."""
    sample = Sample()
    lock = threading.Lock()
    remaining = [count]

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        local = Sample()
        while True:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            method, path, body = make()
            headers = dict(session_headers)
            if body is not None:
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            started = time.perf_counter()
            try:
                status, response, _ = request(port, method, path, body, headers, conn)
            except (OSError, http.client.HTTPException):
                local.errors += 1
                conn.close()
                continue
            local.client_ms.append((time.perf_counter() - started) * 1000)
            timing = TIMING_RE.search(response.headers.get("Server-Timing", ""))
            if timing:
                local.server_ms.append(float(timing.group(1)))
            if status not in (200, 302):
                local.errors += 1
            if response.will_close:
                conn.close()  # gunicorn's sync workers close after each response
        conn.close()
        with lock:
            sample.merge(local)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sample.seconds = time.perf_counter() - started
    return sample


def percentiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        v = values[0] if values else 0.0
        return v, v, v
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def describe(label: str, sample: Sample) -> None:
    c50, c95, c99 = percentiles(sample.client_ms)
    s50, s95, s99 = percentiles(sample.server_ms)
    out(
        f"{label:<10} {len(sample.client_ms):>6} req  {sample.throughput:8.1f} req/s  "
        f"client p50/p95/p99 {c50:6.1f} {c95:6.1f} {c99:6.1f} ms  "
        f"serveur p50/p95/p99 {s50:6.1f} {s95:6.1f} {s99:6.1f} ms  erreurs {sample.errors}"
    )


# --- main --------------------------------------------------------------------------------


def on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # same clean-up path as Ctrl-C


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--passages", type=int, default=1_000_000, help="taille de l'historique")
    parser.add_argument("--requests", type=int, default=2000, help="requêtes par mesure")
    parser.add_argument("--concurrency", type=int, default=4, help="clients simultanés")
    parser.add_argument("--workers", type=int, default=2, help="workers gunicorn")
    parser.add_argument("--rounds", type=int, default=2, help="alternances vue nue / arrivée")
    parser.add_argument("--regenerate", action="store_true", help="refait l'historique")
    args = parser.parse_args(argv)

    url = bench_environment()
    if url is None:
        return 2
    signal.signal(signal.SIGTERM, on_sigterm)
    RESULTS.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now()
    result_file = RESULTS / f"checkin-{now:%Y-%m-%d-%H%M}.txt"
    try:
        run(args, url, now)
    except KeyboardInterrupt:
        out("Interrompu.")
    except Exception as error:  # report it; gunicorn is already stopped by then
        out(f"ERREUR : {type(error).__name__}: {error}")
        result_file.write_text("\n".join(out.lines) + "\n")
        return 1
    result_file.write_text("\n".join(out.lines) + "\n")
    print(f"Résultats : {result_file.relative_to(BASE_DIR)}")
    return 0


def run(args: argparse.Namespace, url: str, now: dt.datetime) -> None:
    out(f"# Banc d'essai de l'arrivée (check-in) — {now:%Y-%m-%d %H:%M}")
    out(
        f"machine : {os.cpu_count()} cœurs, charge {os.getloadavg()[0]:.2f} au départ "
        "(machine partagée : chiffres bruités)"
    )
    ensure_database(url)
    import django

    django.setup()
    from django.db import connection

    from accueil.models import Passage
    from bench.loaddata import thousands

    size, generation = prepare(args.passages, args.regenerate)
    total = Passage.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('accueil_passage'))")
        row = cursor.fetchone()
    speed = ""
    if generation:
        speed = f" ; génération {generation:.1f} s ({thousands(size / generation)} lignes/s)"
    out(
        f"historique : {size} passages générés, {total} en tout, table et index "
        f"{row[0] if row else '?'}{speed}"
    )
    clean_bench_checkins()
    explain_queries()
    port = free_port()
    log = RESULTS / f"gunicorn-{now:%Y-%m-%d-%H%M}.log"
    out(f"gunicorn : {args.workers} workers sync, http://{HOST}:{port}, bench.settings")
    try:
        with gunicorn(port, args.workers, log):
            measure(port, args)
    finally:
        removed = clean_bench_checkins()
        out(f"{removed} objets créés par le banc supprimés (passages et étapes).")
        out(f"charge machine à la fin : {os.getloadavg()[0]:.2f}")


def measure(port: int, args: argparse.Namespace) -> None:
    session, csrf = login(port)
    headers = session.headers()

    def bare() -> tuple[str, str, str | None]:
        return "GET", "/bench/bare/", None

    def checkin() -> tuple[str, str, str | None]:
        body = {"csrfmiddlewaretoken": csrf, "client_token": str(uuid.uuid4())}
        return "POST", "/accueil/arrivee/", urlencode({**body, "motive": "information"})

    # Warm-up: workers import everything and open their database connection.
    load(port, 40, args.concurrency, bare, headers)
    load(port, 40, args.concurrency, checkin, headers)
    per_round = max(1, args.requests // args.rounds)
    bare_total, checkin_total = Sample(), Sample()
    for _ in range(args.rounds):
        # Alternate so a burst of noise from other users hits both measures alike.
        bare_total.merge(load(port, per_round, args.concurrency, bare, headers))
        checkin_total.merge(load(port, per_round, args.concurrency, checkin, headers))
    out(
        f"== Mesure : {per_round * args.rounds} requêtes par cible, {args.concurrency} clients, "
        f"{args.rounds} tours alternés =="
    )
    describe("vue nue", bare_total)
    describe("arrivée", checkin_total)
    ratio = checkin_total.throughput / bare_total.throughput if bare_total.throughput else 0.0
    _, p95, _ = percentiles(checkin_total.server_ms)
    out(f"rapport débit arrivée / vue nue : {ratio:.2f}x")
    out(f"objectif débit >= {GOAL_RATIO}x : {'PASS' if ratio >= GOAL_RATIO else 'FAIL'}")
    out(
        f"objectif p95 serveur < {GOAL_P95_MS:.0f} ms : "
        f"{'PASS' if p95 < GOAL_P95_MS else 'FAIL'} ({p95:.1f} ms)"
    )
    if checkin_total.errors or bare_total.errors:
        out("ATTENTION : des requêtes ont échoué (voir le journal gunicorn).")


if __name__ == "__main__":
    sys.exit(main())
