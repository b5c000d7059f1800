"""Dashboard pages at department scale: p50 / p95 server time and query count of each page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/mds_bench_dashboard \
        .venv/bin/python bench/dashboard.py [--small] [--repeat N]

Steps: create and migrate the database if needed, seed the demo accounts, make the accueil
history with the load generator (``manage.py generate_load_data``: 22 MDS x 5 years, about
3 M passages; ``--small``: 3 MDS x 1 year, a few minutes end to end), then mediation sessions
(about one for three passages, 1-2 démarches each, 40 % with a light profile: about 1 M
sessions at full scale) written by COPY and marked with the bench mediator so that a new run
replaces them, then referrals (about one for 15 passages, some 200 k at full scale, 3 %
restricted) and their history, sent by the same bench user. Each page is then requested
in-process through Django's test client (``bench.settings``: DEBUG off) ``--repeat`` times after
one warm-up, as:

- the director of one MDS (Vallon de Malpassé) over the last 12 months;
- the departmental direction over last month (every MDS side by side).

Figures go to stdout and to ``bench/results/dashboard-<date>.txt``. Goals (issue 12): p95 under
500 ms for both scopes; the query count of a page does not depend on the data size (asserted in
``tests/pilotage/test_views.py``). Always exits 0: measurements, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = BASE_DIR / "bench" / "results"
BENCH_MEDIATOR = "bench-mediateur@mds.local"
GOAL_P95_MS = 500.0
PARIS = ZoneInfo("Europe/Paris")
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

LINES: list[str] = []


def out(line: str = "") -> None:
    print(line, flush=True)
    LINES.append(line)


def prepare_passages(small: bool) -> int:
    from django.core.management import call_command

    from accueil.models import Passage
    from bench.loaddata import GENERATOR_EMAIL

    call_command("migrate", "--noinput", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    args = ["--mds", "3", "--days", "365"] if small else ["--mds", "22", "--years", "5"]
    generated = Passage.objects.filter(created_by__email=GENERATOR_EMAIL)
    sites = generated.values("mds_id").distinct().count()
    if sites != (3 if small else 22):
        out(f"Historique des passages : generate_load_data {' '.join(args)} --truncate")
        started = time.monotonic()
        call_command("generate_load_data", *args, "--truncate", stdout=io.StringIO())
        out(f"  généré en {time.monotonic() - started:.0f} s")
    count = generated.count()
    out(f"Passages générés : {count}")
    return count


def prepare_sessions(seed: int = 42) -> int:
    """~1 session for 3 passages per MDS and open day, by COPY; replaces an earlier run's."""
    from django.db import connection, transaction
    from django.utils import timezone

    from accompagnement.models import (
        AgeBand,
        Gender,
        InternetAtHome,
        KindOfHelp,
        MediationSession,
        Organisme,
        Origin,
        Outcome,
    )
    from accueil.models import DailyTicketCounter
    from mds.models import User

    rng = random.Random(seed)
    mediator, _ = User.objects.get_or_create(email=BENCH_MEDIATOR, defaults={"is_active": False})
    existing = MediationSession.objects.filter(mediator=mediator).count()
    days = list(
        DailyTicketCounter.objects.filter(day__lt=timezone.localdate())
        .order_by("mds_id", "day")
        .values_list("mds_id", "day", "last_number")
    )
    wanted = sum(n // 3 for _m, _d, n in days)
    if existing and abs(existing - wanted) <= wanted * 0.05:
        out(f"Accompagnements existants réutilisés : {existing}")
        return existing
    out(f"Génération de {wanted} accompagnements (COPY)…")
    started = time.monotonic()
    organismes = list(Organisme.objects.values_list("pk", flat=True))
    kinds = list(KindOfHelp.objects.values_list("pk", flat=True))
    origins = list(Origin.objects.values_list("pk", flat=True))
    outcomes = list(
        Outcome.objects.filter(requires_next_appointment=False).values_list("pk", flat=True)
    )
    modes, mode_weights = [1, 2, 3, 4, 5], [5, 15, 25, 35, 20]
    ages = [a.value for a in AgeBand]
    now = timezone.now().isoformat()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM accompagnement_demarche WHERE session_id IN "
            "(SELECT id FROM accompagnement_mediationsession WHERE mediator_id = %s)",
            [mediator.pk],
        )
        cursor.execute(
            "DELETE FROM accompagnement_mediationsession WHERE mediator_id = %s", [mediator.pk]
        )
        cursor.execute("DELETE FROM accompagnement_usager WHERE created_by_id = %s", [mediator.pk])
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM accompagnement_usager")
        next_usager = cursor.fetchone()[0] + 1
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM accompagnement_mediationsession")
        next_session = cursor.fetchone()[0] + 1
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM accompagnement_demarche")
        next_demarche = cursor.fetchone()[0] + 1
        usagers, sessions, demarches = io.StringIO(), io.StringIO(), io.StringIO()
        pool: dict[int, list[int]] = {}
        for mds_id, day, passages in days:
            people = pool.setdefault(mds_id, [])
            for _ in range(passages // 3):
                usager = r"\N"
                age = rng.choice(ages)
                if rng.random() < 0.4:
                    if not people or rng.random() < 0.35:
                        equipment = rng.choice(
                            ['["smartphone"]', '["smartphone", "ordinateur"]', '["aucun"]', "[]"]
                        )
                        usagers.write(
                            f"{next_usager}\t{mds_id}\t\t{age}\t{rng.choice(list(Gender.values))}"
                            f"\t{equipment}\t{rng.choice(list(InternetAtHome.values))}\t\t\t{now}"
                            f"\t{mediator.pk}\n"
                        )
                        people.append(next_usager)
                        next_usager += 1
                    usager = str(rng.choice(people[-200:]))
                sessions.write(
                    f"{next_session}\t{mds_id}\t{mediator.pk}\t{day.isoformat()}"
                    f"\t{rng.choice((15, 30, 30, 45, 60, 90))}\t{rng.choice(origins)}\t{usager}"
                    f"\t{age}\t{rng.choice(outcomes)}\t\\N\t\t\tf\t\\N\tf\t\\N\t{uuid.uuid4()}"
                    f"\t{now}\n"
                )
                for position in range(1 if rng.random() < 0.7 else 2):
                    mode = rng.choices(modes, mode_weights)[0]
                    demarches.write(
                        f"{next_demarche}\t{next_session}\t{rng.choice(organismes)}"
                        f"\t{rng.choice(kinds)}\t{mode}\t\\N\t{position}\n"
                    )
                    next_demarche += 1
                next_session += 1
        for table, columns, buffer in (
            (
                "accompagnement_usager",
                "id, mds_id, display_name, age_band, gender, equipment, internet_at_home,"
                " languages, notes, created_at, created_by_id",
                usagers,
            ),
            (
                "accompagnement_mediationsession",
                "id, mds_id, mediator_id, date, duration_minutes, origin_id, usager_id, age_band,"
                " outcome_id, next_appointment, file_number, faire_pour_reason,"
                " consent_recorded, passage_id, follow_up_done, follow_up_done_at,"
                " idempotency_key, created_at",
                sessions,
            ),
            (
                "accompagnement_demarche",
                "id, session_id, organisme_id, kind_of_help_id, mode_of_help, right_id, position",
                demarches,
            ),
        ):
            buffer.seek(0)
            cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", buffer)
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                f"(SELECT MAX(id) FROM {table}))"
            )
        cursor.execute(
            "ANALYZE accompagnement_usager, accompagnement_mediationsession, "
            "accompagnement_demarche"
        )
    count = MediationSession.objects.filter(mediator=mediator).count()
    out(f"  {count} accompagnements en {time.monotonic() - started:.0f} s")
    return count


def prepare_referrals(seed: int = 7) -> int:
    """~1 referral for 15 passages per MDS and open day (about 200 k at department scale) and
    their history, sent and answered by the bench user; replaces an earlier run's."""
    from django.db import connection, transaction
    from django.utils import timezone

    from accueil.models import DailyTicketCounter
    from mds.models import User
    from mds.roles import Role
    from orientations.models import (
        DeclineReason,
        Need,
        ReasonCategory,
        Referral,
        ReferralEvent,
        State,
        TargetKind,
    )
    from orientations.services import share_consent_text

    rng = random.Random(seed)
    bench_user, _ = User.objects.get_or_create(email=BENCH_MEDIATOR, defaults={"is_active": False})
    mine = Referral.objects.filter(sender=bench_user)
    existing = mine.count()
    days = list(
        DailyTicketCounter.objects.filter(day__lt=timezone.localdate())
        .order_by("mds_id", "day")
        .values_list("mds_id", "day", "last_number")
    )
    wanted = sum(n // 15 for _m, _d, n in days)
    if existing and abs(existing - wanted) <= wanted * 0.05:
        out(f"Orientations existantes réutilisées : {existing}")
        return existing
    out(f"Génération de {wanted} orientations et de leur historique…")
    started = time.monotonic()
    reasons = list(ReasonCategory.objects.values_list("pk", flat=True))
    needs = list(Need.objects.values_list("pk", flat=True))
    decline = DeclineReason.objects.values_list("pk", flat=True).first()
    text = share_consent_text()[1]
    states = [State.ACCEPTED, State.CLOSED, State.DECLINED, State.EXPIRED, State.SEEN, State.SENT]
    weights = [45, 15, 10, 15, 7, 8]
    hour = dt.timedelta(hours=1)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM orientations_referralevent WHERE referral_id IN "
                "(SELECT id FROM orientations_referral WHERE sender_id = %s)",
                [bench_user.pk],
            )
            cursor.execute(
                "DELETE FROM orientations_referral_needs WHERE referral_id IN "
                "(SELECT id FROM orientations_referral WHERE sender_id = %s)",
                [bench_user.pk],
            )
            cursor.execute(
                "DELETE FROM orientations_referral WHERE sender_id = %s", [bench_user.pk]
            )
        batch: list[tuple[Referral, list[tuple[str, str, float]], list[int]]] = []

        def flush() -> None:
            made = Referral.objects.bulk_create([r for r, _e, _n in batch])
            events = [
                ReferralEvent(
                    referral_id=r.pk,
                    from_state=before,
                    to_state=after,
                    at=r.sent_at + hours * hour,
                )
                for r, (_r, history, _n) in zip(made, batch, strict=True)
                for before, after, hours in history
            ]
            ReferralEvent.objects.bulk_create(events, batch_size=5000)
            Referral.needs.through.objects.bulk_create(
                [
                    Referral.needs.through(referral_id=r.pk, need_id=need)
                    for r, (_r, _e, chosen) in zip(made, batch, strict=True)
                    for need in chosen
                ],
                batch_size=5000,
            )
            batch.clear()

        for mds_id, day, passages in days:
            for _ in range(passages // 15):
                sent = dt.datetime.combine(
                    day, dt.time(rng.randint(9, 16), rng.randint(0, 59)), tzinfo=PARIS
                )
                state = rng.choices(states, weights)[0]
                restricted = rng.random() < 0.03
                seen = rng.uniform(0.5, 72)
                history: list[tuple[str, str, float]] = []
                fields: dict[str, Any] = {}
                if state != State.SENT and state != State.EXPIRED:
                    history.append((State.SENT, State.SEEN, seen))
                if state in (State.ACCEPTED, State.CLOSED):
                    answered = seen + rng.uniform(1, 120)
                    history.append((State.SEEN, State.ACCEPTED, answered))
                    fields = {
                        "appointment_at": sent + dt.timedelta(days=7),
                        "recipient": bench_user,
                    }
                    if state == State.CLOSED:
                        history.append((State.ACCEPTED, State.CLOSED, answered + 240))
                        fields.update(closed_at=sent + dt.timedelta(days=12), outcome="Vu")
                elif state == State.DECLINED:
                    history.append((State.SEEN, State.DECLINED, seen + rng.uniform(1, 48)))
                    fields = {"decline_reason_id": decline}
                elif state == State.EXPIRED:
                    history.append((State.SENT, State.EXPIRED, 24 * 14))
                if restricted:
                    fields.update(target_kind=TargetKind.USER, target_role="", recipient=bench_user)
                else:
                    fields.update(
                        target_kind=TargetKind.ROLE,
                        target_role=Role.TRAVAILLEUR_SOCIAL,
                        consent_given_at=sent,
                        consent_witnessed_by=bench_user,
                    )
                referral = Referral(
                    mds_id=mds_id,
                    sender=bench_user,
                    sender_role=Role.ACCUEIL,
                    pseudonym="Bench",
                    reason_category_id=rng.choice(reasons),
                    consent_text=text,
                    restricted=restricted,
                    state=state,
                    sent_at=sent,
                    state_changed_at=sent,
                    **fields,
                )
                chosen = rng.sample(needs, rng.choice((0, 0, 1, 1, 2)))
                batch.append((referral, history, chosen))
                if len(batch) >= 5000:
                    flush()
        if batch:
            flush()
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE orientations_referral, orientations_referralevent, "
                "orientations_referral_needs"
            )
    count = mine.count()
    out(f"  {count} orientations en {time.monotonic() - started:.0f} s")
    return count


def measure(repeat: int) -> None:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from mds.models import MDS, User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    today = timezone.localdate()
    year = {
        "periode": "personnalisee",
        "du": (today - dt.timedelta(days=365)).isoformat(),
        "au": (today - dt.timedelta(days=1)).isoformat(),
    }
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    malpasse = MDS.objects.get(code="malpasse")
    scopes = [
        ("1 MDS x 12 mois", "direction@malpasse.demo.fr", year),
        ("Département x 1 mois", "direction.departementale@demo.fr", {"periode": "mois-dernier"}),
    ]
    pages = [
        ("vue d'ensemble", reverse("pilotage:home"), {}),
        ("accueil", reverse("pilotage:accueil"), {}),
        ("médiation", reverse("pilotage:mediation"), {}),
        ("orientations", reverse("pilotage:orientations"), {}),
        ("publics", reverse("pilotage:publics"), {}),
        ("bilan mensuel", reverse("pilotage:bilan"), {"mds": malpasse.pk, "mois": last_month}),
        (
            "export heures (xlsx)",
            reverse(
                "pilotage:export", kwargs={"section": "accueil", "name": "heures", "fmt": "xlsx"}
            ),
            {},
        ),
        ("export Coop (csv)", reverse("pilotage:coop_export", kwargs={"fmt": "csv"}), {}),
    ]
    out()
    out(f"{'périmètre':<22} {'page':<22} {'p50 ms':>8} {'p95 ms':>8} {'requêtes':>9}  objectif")
    for label, email, params in scopes:
        user = User.objects.get(email=email)
        if not user.authenticator_set.exists():  # type: ignore[attr-defined]
            TOTP.activate(user, generate_totp_secret())  # the roles need MFA
        client = Client()
        client.force_login(user)
        for name, url, extra in pages:
            query: dict[str, Any] = {**params, **extra} if name != "bilan mensuel" else extra
            times: list[float] = []
            queries = 0
            for i in range(repeat + 1):
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(url, query)
                    if getattr(response, "streaming", False):
                        for _chunk in response.streaming_content:  # type: ignore[attr-defined]
                            pass
                    elapsed = (time.perf_counter() - started) * 1000
                assert response.status_code == 200, (url, response.status_code)
                if i:  # the first request warms caches up
                    times.append(elapsed)
                    queries = len(captured)
            times.sort()
            p50 = statistics.median(times)
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            # the goal is for pages; a row-level export is a file download, measured for info
            verdict = "PASS" if p95 < GOAL_P95_MS else "FAIL"
            if name.startswith("export Coop"):
                verdict = f"({verdict} : fichier, hors objectif)"
            out(f"{label:<22} {name:<22} {p50:8.0f} {p95:8.0f} {queries:9d}  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--small", action="store_true", help="3 MDS x 1 an (quelques minutes)")
    parser.add_argument("--repeat", type=int, default=7, help="requêtes mesurées par page")
    args = parser.parse_args()
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("DATABASE_URL doit désigner une base PostgreSQL (ex. …/mds_bench_dashboard).")
    from bench.checkin import ensure_database

    ensure_database(url)
    import django

    django.setup()
    load = os.getloadavg()[0]
    out(f"== Pilotage : tableaux de bord ({'petite échelle' if args.small else 'Département'}) ==")
    out(f"Charge de la machine au départ : {load:.2f} ({os.cpu_count()} cœurs)")
    prepare_passages(args.small)
    prepare_sessions()
    prepare_referrals()
    measure(args.repeat)
    out(f"Charge à la fin : {os.getloadavg()[0]:.2f}")
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"dashboard-{dt.datetime.now():%Y%m%d-%H%M}.txt"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    out(f"Résultats écrits dans {path.relative_to(BASE_DIR)}")


if __name__ == "__main__":
    main()
