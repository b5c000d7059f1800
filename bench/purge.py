"""Retention purge under a check-in load: expired rows purged, check-in latency before and during.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mds_bench .venv/bin/python bench/purge.py \
        [--rows 200000] [--category passage_aliases|vault_secrets] [--threads 4] \
        [--baseline-seconds 10] [--batch-size N]

Steps: create and migrate the database if needed, seed the demo accounts, insert ``--rows``
expired rows in one ``INSERT … SELECT generate_series``:
- ``passage_aliases`` (default): passages of past days carrying a first name (the big table);
- ``vault_secrets``: vault secrets past their expiry, with a wrapped key and a ciphertext
  (crypto-shredding: both are wiped, ``destroyed_at`` set);
then:
1. check-in load alone for ``--baseline-seconds`` (``accueil.services.check_in`` from
   ``--threads`` threads, each with its own connection) → p50/p95;
2. that category's retention purge (``mds.jobs.purges.run_one``, batches of ``--batch-size``,
   default: the purge's own) while the same load runs → purge duration and check-in p50/p95.
Goals of issue 11, for 1 M rows: purge < 60 s, p95 during < 2x before. The default run is
short (200 000 rows): it prints the measured rate and the linear projection to 1 M rows, and
judges the projection; pass ``--rows 1000000`` to measure the real thing. Prints PASS/FAIL and
the load average (the machine may be shared), always exits 0 (a measurement, not a test). The
inserted rows and the bench check-ins are deleted at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import threading
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

GOAL_PURGE_SECONDS = 60.0
GOAL_ROWS = 1_000_000
GOAL_P95_RATIO = 2.0
AGENT = "accueil@malpasse.demo.fr"
BENCH_ALIAS = "BenchPurge"
#: creation date of the bench's secrets, to find them again for the cleanup
BENCH_CREATED_AT = "2001-01-01T00:00:00+00:00"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def insert_rows(rows: int, category: str) -> float:
    from django.db import connection
    from django.utils import timezone

    from accueil.models import Motive
    from mds.models import MDS

    mds = MDS.objects.get(code="malpasse")
    motive = Motive.objects.filter(is_active=True).order_by("pk").first()
    assert motive is not None
    oldest = timezone.localdate() - dt.timedelta(days=3)
    started = time.monotonic()
    with connection.cursor() as cursor:
        # seeding a million rows outlasts the app's statement timeout (settings): off, then back
        cursor.execute("SET statement_timeout = 0")
        if category == "vault_secrets":
            # expired secrets with a (fake) wrapped key and ciphertext: the purge only wipes them
            cursor.execute(
                """
                INSERT INTO rgpd_secret
                    (id, kind, mds_id, created_at, expires_at, payload, vault_kid, vault_key)
                SELECT gen_random_uuid(), 'credential', %s, %s::timestamptz,
                       now() - interval '1 hour' - n * interval '1 second',
                       decode(md5(n::text), 'hex'), 'bench', decode(md5((n + 1)::text), 'hex')
                FROM generate_series(0, %s - 1) AS n
                """,
                [mds.pk, BENCH_CREATED_AT, rows],
            )
            cursor.execute("ANALYZE rgpd_secret")
        else:
            # 1 000 tickets a day going back from three days ago: all outside the alias window
            cursor.execute(
                """
                INSERT INTO accueil_passage
                    (mds_id, day, ticket_number, arrived_at, motive_id, alias, has_appointment,
                     priority, oriented_to, status, desk, partner, cancel_reason,
                     outside_opening_hours, client_token)
                SELECT %s, %s::date - (n / 1000), 100000 + n %% 1000,
                       (%s::date - (n / 1000))::timestamp + interval '9 hours', %s, %s, false,
                       '', '', 'done', '', '', '', false,
                       -- a time-ordered key like mds.idempotency.new_key (UUID v7: 48-bit
                       -- milliseconds, version 7, random bits), one second apart in a day
                       (lpad(to_hex((extract(epoch FROM (%s::date - (n / 1000))::timestamp)
                                     * 1000)::bigint + (n %% 1000) * 1000), 12, '0')
                        || '7' || substr(md5(random()::text), 1, 3)
                        || '8' || substr(md5(random()::text), 1, 15))::uuid
                FROM generate_series(0, %s - 1) AS n
                """,
                [mds.pk, oldest, oldest, motive.pk, BENCH_ALIAS, oldest, rows],
            )
            cursor.execute("ANALYZE accueil_passage")
        cursor.execute("RESET statement_timeout")
    return time.monotonic() - started


def cleanup() -> str:
    from django.db import connection
    from django.utils import timezone

    from accueil.models import Passage

    with connection.cursor() as cursor:  # raw: the ORM would load a million rows to delete them
        cursor.execute("SET statement_timeout = 0")
        cursor.execute("DELETE FROM accueil_passage WHERE ticket_number >= 100000")
        passages = cursor.rowcount
        cursor.execute("DELETE FROM rgpd_secret WHERE created_at = %s", [BENCH_CREATED_AT])
        secrets = cursor.rowcount
        cursor.execute("RESET statement_timeout")
    today = timezone.localdate()
    bench_checkins, _ = Passage.objects.filter(created_by__email=AGENT, day=today).delete()
    return (
        f"{passages} passages et {secrets} secrets insérés, "
        f"{bench_checkins} arrivées du banc supprimés."
    )


def load(
    stop: threading.Event, threads: int, out: list[float], errors: list[str]
) -> list[threading.Thread]:
    from django.db import connection

    from accueil import services
    from accueil.models import Motive
    from mds.idempotency import new_key
    from mds.models import MDS, User

    agent = User.objects.get(email=AGENT)
    mds = MDS.objects.get(code="malpasse")
    motive = Motive.objects.filter(is_active=True).order_by("pk").first()
    assert motive is not None

    def worker() -> None:
        try:
            while not stop.is_set():
                started = time.perf_counter()
                services.check_in(mds=mds, agent=agent, motive=motive, client_token=new_key())
                out.append((time.perf_counter() - started) * 1000)
        except Exception as exc:
            errors.append(type(exc).__name__)
        finally:
            connection.close()

    started = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for thread in started:
        thread.start()
    return started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument(
        "--category", choices=("passage_aliases", "vault_secrets"), default="passage_aliases"
    )
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--baseline-seconds", type=float, default=10.0)
    parser.add_argument("--batch-size", type=int, default=None)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("DATABASE_URL doit désigner une base PostgreSQL (ex. …/mds_bench).")
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("DEMO_PASSWORD", "Bench-demo-password-42")
    from bench.checkin import ensure_database

    ensure_database(url)
    import django

    django.setup()
    import io

    from django.core.management import call_command
    from django.utils import timezone

    from mds.jobs import purges

    call_command("migrate", "--noinput", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    cleanup()
    purge = next(p for p in purges.registered() if p.category == args.category)
    batch_size = args.batch_size or purge.batch_size
    print(f"Insertion de {args.rows} lignes expirées ({args.category})…", flush=True)
    print(f"  insérées en {insert_rows(args.rows, args.category):.1f} s")
    due = purge.count_due(timezone.now()) if args.category == "passage_aliases" else args.rows
    print(f"  à purger : {due}")

    before: list[float] = []
    errors: list[str] = []
    stop = threading.Event()
    threads = load(stop, args.threads, before, errors)
    time.sleep(args.baseline_seconds)
    stop.set()
    for thread in threads:
        thread.join()

    during: list[float] = []
    stop = threading.Event()
    threads = load(stop, args.threads, during, errors)
    time.sleep(1.0)
    load_at_start = os.getloadavg()
    started = time.monotonic()
    outcome = purges.run_one(purge, batch_size=batch_size)
    purge_seconds = time.monotonic() - started
    stop.set()
    for thread in threads:
        thread.join()

    p95_before, p95_during = percentile(before, 0.95), percentile(during, 0.95)
    ratio = p95_during / p95_before if p95_before else float("nan")
    projected = purge_seconds * GOAL_ROWS / max(outcome.count, 1)
    print()
    print(
        f"Purge {args.category} : {outcome.count} lignes en {purge_seconds:.1f} s "
        f"(lots de {batch_size}, {outcome.count / purge_seconds:,.0f} lignes/s)"
        + (f" — ERREUR {outcome.error}" if outcome.error else "")
    )
    print(
        f"  pour {GOAL_ROWS:,} lignes : {projected:.1f} s"
        + (" (projection linéaire)" if outcome.count != GOAL_ROWS else "")
        + f" — objectif < {GOAL_PURGE_SECONDS:.0f} s : "
        + ("PASS" if projected < GOAL_PURGE_SECONDS else "FAIL")
    )
    print(
        f"Check-in avant  : {len(before)} arrivées, p50 {statistics.median(before):.1f} ms, "
        f"p95 {p95_before:.1f} ms"
    )
    print(
        f"Check-in pendant: {len(during)} arrivées, p50 {statistics.median(during):.1f} ms, "
        f"p95 {p95_during:.1f} ms"
    )
    print(
        f"p95 pendant / avant : {ratio:.2f} — objectif < {GOAL_P95_RATIO:.0f} : "
        f"{'PASS' if ratio < GOAL_P95_RATIO else 'FAIL'}"
    )
    load_at_end = os.getloadavg()
    print(
        "Charge de la machine (1/5/15 min) au début de la purge : "
        + " ".join(f"{v:.2f}" for v in load_at_start)
        + " ; à la fin : "
        + " ".join(f"{v:.2f}" for v in load_at_end)
        + f" ({os.cpu_count()} cœurs)"
    )
    if errors:
        print(f"Erreurs pendant la charge : {len(errors)} ({', '.join(sorted(set(errors)))})")
    print(f"Nettoyage : {cleanup()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
