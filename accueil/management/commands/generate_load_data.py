"""``python manage.py generate_load_data``: department-scale accueil history (see
``bench/loaddata.py``). Default: 22 MDS, 5 years, ~110 passages per MDS and open day (~3 M)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from bench.loaddata import GENERATOR_EMAIL, SITES, Options, generate, thousands


class Command(BaseCommand):
    help = (
        "Génère un historique de passages à l'échelle du Département (COPY sur PostgreSQL). "
        "Les passages sont marqués créés par " + GENERATOR_EMAIL + " ; aucune étape "
        "(PassageEvent) sans --with-events."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        defaults = Options()
        parser.add_argument(
            "--mds", type=int, default=defaults.mds, help=f"nombre de MDS (1 à {len(SITES)})"
        )
        parser.add_argument("--years", type=float, default=defaults.years, help="années d'histoire")
        parser.add_argument(
            "--days", type=int, default=None, help="jours d'histoire (remplace --years)"
        )
        parser.add_argument(
            "--per-day",
            type=float,
            default=defaults.per_day,
            help="passages par MDS et jour ouvré, en moyenne",
        )
        parser.add_argument(
            "--total",
            type=int,
            default=None,
            help="nombre de passages visé (calcule --per-day)",
        )
        parser.add_argument("--seed", type=int, default=defaults.seed)
        parser.add_argument(
            "--batch", type=int, default=defaults.batch, help="lignes par transaction"
        )
        parser.add_argument(
            "--truncate",
            action="store_true",
            help="supprime d'abord les passages générés (et eux seuls)",
        )
        parser.add_argument(
            "--with-events",
            action="store_true",
            help="écrit aussi l'historique des statuts (PassageEvent)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"] < 1 or options["per_day"] < 0 or (options["total"] or 0) < 0:
            raise CommandError("--batch doit être positif, --per-day et --total non négatifs.")
        try:
            report = generate(
                Options(
                    mds=options["mds"],
                    years=options["years"],
                    days=options["days"],
                    per_day=options["per_day"],
                    total=options["total"],
                    seed=options["seed"],
                    batch=options["batch"],
                    truncate=options["truncate"],
                    with_events=options["with_events"],
                ),
                progress=self.stdout.write,
            )
        except (ValueError, RuntimeError) as error:
            raise CommandError(str(error)) from error
        if report.mds_created:
            self.stdout.write(f"MDS créées : {', '.join(report.mds_created)}.")
        rate = report.passages / report.seconds if report.seconds else 0.0
        self.stdout.write(
            self.style.SUCCESS(
                f"Terminé en {report.seconds:.1f} s ({report.backend}) : "
                f"{thousands(report.passages)} passages ({thousands(rate)} lignes/s), "
                f"{thousands(report.counters)} compteurs journaliers, "
                f"{thousands(report.events)} étapes, "
                f"{report.days_skipped} journées déjà présentes ignorées, "
                f"{thousands(report.deleted)} passages supprimés."
            )
        )
