"""Inbox and sender's list server time with a big referral table (default 200 000 referrals).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mds_bench_referrals \
        .venv/bin/python bench/referrals.py [--referrals N] [--requests N] [--regenerate]

Steps: create and migrate the database if needed, seed the demo accounts, generate the
referrals (reused when already about that size): 22 MDS, 8 social workers and 4 mediators each,
referrals spread over two years in every state, a quarter to a role, the rest to a named social
worker. Then it times, in process (Django test client, ``bench.settings``: DEBUG off, every
middleware), the demo social worker's inbox and the demo mediator's sent list, which are given
a realistic load (a few hundred referrals each), prints p50/p95/max in ms and the number of
queries, and EXPLAIN ANALYZE of the two list queries. Measurements, not a test: exits 0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

GOAL_MS = 100.0
BENCH_EMAIL_DOMAIN = "bench-orientations.test"


def ensure_database(url: str) -> None:
    from bench.checkin import ensure_database as create

    create(url)


def generate(total: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from mds.models import MDS, Membership, User
    from mds.roles import Role
    from orientations.models import (
        DeclineReason,
        Need,
        ReasonCategory,
        Referral,
        State,
        TargetKind,
    )
    from orientations.services import share_consent_text

    rng = random.Random(42)
    _purpose, text = share_consent_text()
    reasons = list(ReasonCategory.objects.exclude(code="protection_enfance"))
    decline_reason_id = DeclineReason.objects.values_list("pk", flat=True).first()
    needs = list(Need.objects.all())
    sites = []
    for i in range(22):
        site, _ = MDS.objects.get_or_create(code=f"bench-{i}", defaults={"name": f"MDS bench {i}"})
        socials, mediators = [], []
        for j in range(8):
            user, _ = User.objects.get_or_create(email=f"as{i}-{j}@{BENCH_EMAIL_DOMAIN}")
            Membership.objects.get_or_create(user=user, mds=site, role=Role.TRAVAILLEUR_SOCIAL)
            socials.append(user)
        for j in range(4):
            user, _ = User.objects.get_or_create(email=f"med{i}-{j}@{BENCH_EMAIL_DOMAIN}")
            Membership.objects.get_or_create(user=user, mds=site, role=Role.MEDIATEUR)
            mediators.append(user)
        sites.append((site, socials, mediators))
    # The demo accounts get a few hundred referrals each, like a busy professional over 2 years.
    malpasse = MDS.objects.get(code="malpasse")
    demo_social = User.objects.get(email="social@malpasse.demo.fr")
    demo_mediator = User.objects.get(email="mediateur@malpasse.demo.fr")
    sites.append((malpasse, [demo_social], [demo_mediator]))

    now = timezone.now()
    states = [State.CLOSED] * 6 + [State.DECLINED, State.EXPIRED, State.ACCEPTED, State.SEEN]
    batch: list[Referral] = []
    through = Referral.needs.through

    def flush() -> None:
        created = Referral.objects.bulk_create(batch)
        through.objects.bulk_create(
            [
                through(referral_id=r.pk, need_id=needs[k % len(needs)].pk)
                for r in created
                for k in range(r.pk % 3)
            ]
        )
        batch.clear()

    with transaction.atomic():
        for n in range(total):
            # the last site (the demo MDS) gets 1 % of the referrals: ~2 000, a few hundred each
            site, socials, mediators = sites[-1] if n % 100 == 0 else sites[n % (len(sites) - 1)]
            age = dt.timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
            sent_at = now - age
            recent = age < dt.timedelta(days=10)
            state = State.SENT if recent and n % 3 else rng.choice(states)
            to_role = n % 4 == 0 and state in (State.SENT, State.EXPIRED)
            recipient = None if to_role else rng.choice(socials)
            kwargs: dict[str, object] = {}
            if state in (State.ACCEPTED, State.CLOSED):
                kwargs.update(appointment_at=sent_at + dt.timedelta(days=5), appointment_place="B")
            if state == State.CLOSED:
                kwargs.update(closed_at=sent_at + dt.timedelta(days=6), outcome="Fait.")
            if state == State.DECLINED:
                kwargs["decline_reason_id"] = decline_reason_id
            sender = rng.choice(mediators)
            batch.append(
                Referral(
                    mds=site,
                    sender=sender,
                    sender_role=Role.MEDIATEUR,
                    pseudonym=f"P{n}",
                    target_kind=TargetKind.ROLE if to_role else TargetKind.USER,
                    target_role=Role.TRAVAILLEUR_SOCIAL if to_role else "",
                    recipient=recipient,
                    reason_category=reasons[n % len(reasons)],
                    note="Note de test.",
                    consent_text=text,
                    consent_given_at=sent_at,
                    consent_witnessed_by=sender,
                    state=state,
                    sent_at=sent_at,
                    state_changed_at=sent_at,
                    **kwargs,
                )
            )
            if len(batch) == 5000:
                flush()
        if batch:
            flush()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE orientations_referral")
        cursor.execute("ANALYZE orientations_referral_needs")


def prepare(total: int, regenerate: bool) -> int:
    import io

    from django.core.management import call_command

    from orientations.models import Referral

    call_command("migrate", "--noinput", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    existing = Referral.objects.count()
    if regenerate or abs(existing - total) > total * 0.05:
        print(f"Génération de {total} orientations (existantes : {existing})…", flush=True)
        started = time.monotonic()
        Referral.objects.all().delete()
        generate(total)
        print(f"  générées en {time.monotonic() - started:.0f} s", flush=True)
    else:
        print(f"Orientations existantes réutilisées : {existing}.")
    return Referral.objects.count()


def measure(url: str, email: str, requests: int) -> tuple[list[float], int]:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from mds.models import User

    user = User.objects.get(email=email)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())  # the mediator's role requires MFA
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    client.get(url)  # warm-up: session, templates
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    reset_queries()
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return times, len(ctx.captured_queries)


def explain(email: tuple[str, str]) -> None:
    from django.db import connection

    from mds.models import User
    from orientations import selectors

    for label, user_email, build in (
        ("boîte de réception", email[0], lambda u: selectors.inbox(user=u)),
        ("orientations envoyées", email[1], lambda u: selectors.sent_by(user=u)),
    ):
        user = User.objects.get(email=user_email)
        sql, params = build(user).query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN ANALYZE {sql}", params)
            plan = [row[0] for row in cursor.fetchall()]
        print(f"\nPlan ({label}) :")
        for line in plan[:12]:
            print(f"  {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("DATABASE_URL doit viser PostgreSQL (base dédiée au banc).")
        return 0
    ensure_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("REDIS_URL", "")
    import django

    django.setup()
    count = prepare(args.referrals, args.regenerate)
    print(f"Orientations en base : {count} ; charge de la machine : {os.getloadavg()}")
    social, mediator = "social@malpasse.demo.fr", "mediateur@malpasse.demo.fr"
    from orientations.models import Referral

    print(
        f"  reçues par {social} : {Referral.objects.filter(recipient__email=social).count()}, "
        f"envoyées par {mediator} : {Referral.objects.filter(sender__email=mediator).count()}"
    )
    for label, path, email in (
        ("Référence : page statique avec le gabarit commun", "/accessibilite/", social),
        ("Boîte de réception (travailleur social)", "/orientations/", social),
        ("Orientations envoyées (médiateur)", "/orientations/envoyees/", mediator),
    ):
        times, queries = measure(path, email, args.requests)
        p50 = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[18]
        verdict = "OK" if p95 < GOAL_MS else "AU-DELÀ DE L'OBJECTIF"
        print(
            f"{label} : p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {max(times):.1f} ms, "
            f"{queries} requêtes SQL ({args.requests} mesures) — objectif < {GOAL_MS:.0f} ms : "
            f"{verdict}"
        )
    explain((social, mediator))
    return 0


if __name__ == "__main__":
    sys.exit(main())
