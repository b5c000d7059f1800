"""Audit journal: append rate and full verification time of the HMAC chain on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mds_bench_journal .venv/bin/python \
        bench/journal.py [--entries N]

The daily head export (task ``rgpd.export_journal_head``) and ``verify_journal`` walk the whole
journal kept (12 months): this prints how long that takes per 100 000 entries, and the cost of
one ``record`` (advisory lock + HMAC + insert, one transaction each). The bench's journal is
emptied first (the superuser disables the trigger: a dedicated database only). Exits 0: figures,
not a test. Results also go to ``bench/results/journal-<date>.txt``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from bench.checkin import RESULTS, ensure_database, out  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--entries", type=int, default=20_000, help="entrées à écrire")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL=postgres://… est nécessaire (base dédiée, ex. mds_bench_journal).")
        return 2
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    now = dt.datetime.now()
    out(f"# Banc d'essai du journal d'audit — {now:%Y-%m-%d %H:%M}")
    out(f"machine : {os.cpu_count()} cœurs, charge {os.getloadavg()[0]:.2f} (machine partagée)")
    ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from rgpd import journal
    from rgpd.models import JournalAction, JournalReason

    call_command("migrate", "--noinput", verbosity=0)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE rgpd_journalentry DISABLE TRIGGER USER")
        cursor.execute("ALTER TABLE rgpd_journalcheckpoint DISABLE TRIGGER USER")
        cursor.execute("DELETE FROM rgpd_journalentry")
        cursor.execute("DELETE FROM rgpd_journalcheckpoint")
        cursor.execute("ALTER TABLE rgpd_journalentry ENABLE TRIGGER USER")
        cursor.execute("ALTER TABLE rgpd_journalcheckpoint ENABLE TRIGGER USER")

    started = time.perf_counter()
    for n in range(args.entries):
        with transaction.atomic():
            journal.record(
                actor=None,
                action=JournalAction.VIEW_PERSON,
                target_type="usager",
                target_id=str(n),
                reason=JournalReason.SOCIAL_FOLLOW_UP,
            )
    write = time.perf_counter() - started
    out(
        f"écriture : {args.entries} entrées en {write:.1f} s, "
        f"{write / args.entries * 1000:.2f} ms par entrée ({args.entries / write:.0f}/s)"
    )

    for round_ in (1, 2):
        started = time.perf_counter()
        report = journal.verify_chain()
        seconds = time.perf_counter() - started
        assert report.ok and report.count == args.entries, report.problem
        out(
            f"vérification complète (tour {round_}) : {seconds:.2f} s, "
            f"{seconds / args.entries * 100_000:.1f} s pour 100 000 entrées"
        )
    started = time.perf_counter()
    head = journal.export_head()
    out(f"export de la tête signée (vérifie tout) : {time.perf_counter() - started:.2f} s")
    out(head.line())
    RESULTS.mkdir(parents=True, exist_ok=True)
    result_file = RESULTS / f"journal-{now:%Y-%m-%d-%H%M}.txt"
    result_file.write_text("\n".join(out.lines) + "\n")
    print(f"Résultats : {result_file.relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
