"""Bytes per poll of the accueil waiting list (the tablet refreshes it every 10 s).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mds_bench .venv/bin/python bench/queue_poll.py \
        [--waiting 100]

Migrates the database if needed, puts ``--waiting`` people in today's queue of a dedicated MDS
(``bench-file``, emptied first), logs an agent in with Django's test client (in process: the
bytes are the application's, headers included, as gunicorn would send them give or take its
own ``Date``/``Server`` lines) and prints, for one tablet:

- the rows uncompressed (what every poll sent before, minus the per-row CSRF tokens it had);
- a poll after a change: the rows gzipped;
- a poll with nothing new: 204, headers only;
- the average over 10 minutes of polls with the rows changing once a minute (waiting times tick)
  plus one arrival a minute, against the issue's goal of <= 5 KB per poll at 100 waiting.

Figures go to stdout and ``bench/results/queue-poll-<date>.txt``; always exits 0 (PASS/FAIL is
printed, this is a measurement, not a test).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "results"
GOAL_BYTES = 5 * 1024
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))


def wire_size(response: object) -> int:
    """Status line + headers + body, as sent on HTTP/1.1."""
    headers = response.serialize_headers()  # type: ignore[attr-defined]
    status = f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n"  # type: ignore[attr-defined]
    return len(status) + len(headers) + 4 + len(response.content)  # type: ignore[attr-defined]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--waiting", type=int, default=100)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mds.settings.test")
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mds_bench")
    from bench.checkin import ensure_database

    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from accueil.models import Motive, Passage, Priority, Status
    from mds.models import MDS, User
    from mds.roles import Role
    from mds.services import grant_membership

    setup_test_environment()  # the test client needs it (ALLOWED_HOSTS "testserver", etc.)
    lines: list[str] = []

    def out(line: str = "") -> None:
        print(line, flush=True)
        lines.append(line)

    call_command("migrate", verbosity=0, interactive=False)
    mds, _ = MDS.objects.get_or_create(code="bench-file", defaults={"name": "MDS banc file"})
    Passage.objects.filter(mds=mds).delete()
    agent = User.objects.create_user(f"accueil-{timezone.now():%H%M%S%f}@bench.test")
    grant_membership(user=agent, role=Role.ACCUEIL, mds=mds)
    motive = Motive.objects.get(code="mediation")
    names = ["Amina", "Jean-Pierre", "Fatou", "Nicolas", "Samia", "Luc", "Khadija", "Marie"]
    start = timezone.now() - dt.timedelta(hours=2)
    for i in range(args.waiting):
        arrived = start + dt.timedelta(seconds=70 * i)
        Passage.objects.create(
            mds=mds,
            day=timezone.localdate(arrived),
            motive=motive,
            oriented_to=motive.routes_to,
            client_token=uuid.uuid4(),
            ticket_number=i + 1,
            arrived_at=arrived,
            alias=names[i % len(names)] if i % 3 == 0 else "",
            priority=Priority.PREGNANCY if i % 11 == 0 else Priority.NONE,
            status=Status.CALLED if i % 9 == 0 else Status.WAITING,
            desk="Bureau 2" if i % 9 == 0 else "",
        )
    client = Client()
    client.force_login(agent)
    url = "/accueil/file/lignes/"
    poll = {"X-Poll": "1", "HX-Request": "true", "Accept-Encoding": "gzip, deflate, br"}

    plain = client.get(url, headers={"X-Poll": "1", "HX-Request": "true"})
    changed = client.get(url, headers=poll)
    version = changed["X-Queue-Version"]
    unchanged = client.get(url, headers={**poll, "X-Queue-Version": version})
    full, zipped, empty = wire_size(plain), wire_size(changed), wire_size(unchanged)
    # 10 minutes = 60 polls; the rows change at most twice a minute (a waiting time ticks, one
    # person arrives): 20 full answers, 40 empty ones.
    average = (20 * zipped + 40 * empty) / 60

    out(f"Base : {connection.vendor} {connection.settings_dict['NAME']}")
    out(
        f"File du jour : {args.waiting} personnes présentes, "
        "une tablette qui interroge toutes les 10 s"
    )
    out(f"lignes non compressées (ce qu'envoyait chaque appel) : {full:>7} octets")
    out(f"interrogation après un changement (gzip)             : {zipped:>7} octets")
    out(f"interrogation sans changement (204)                  : {empty:>7} octets")
    out(f"moyenne sur 10 min (20 changements, 40 inchangées)   : {average:>7.0f} octets")
    verdict = "PASS" if zipped <= GOAL_BYTES and average <= GOAL_BYTES else "FAIL"
    out(f"objectif <= {GOAL_BYTES} octets par interrogation à 100 présents : {verdict}")
    kbps = average * 8 / 10 / 1000
    out(f"débit moyen par tablette : {kbps:.2f} kbit/s (lien de 400 kbit/s : {kbps / 4:.1f} %)")

    Passage.objects.filter(mds=mds).delete()
    agent.delete()
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"queue-poll-{dt.date.today():%Y%m%d}.txt").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
