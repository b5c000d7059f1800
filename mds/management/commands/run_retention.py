"""Run every retention purge now, or say what it would do (``--dry-run``)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mds.jobs import purges


class Command(BaseCommand):
    help = "Applique maintenant toutes les durées de conservation (purges par lots)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Compter sans rien modifier.")
        parser.add_argument(
            "--batch-size",
            type=int,
            default=None,
            help="Lignes par lot (par défaut : la taille propre à chaque purge).",
        )
        parser.add_argument(
            "--only", action="append", help="Une catégorie (répétable).", default=None
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        outcomes = purges.run_all(
            dry_run=dry_run, batch_size=options["batch_size"], only=options["only"]
        )
        verb = "à traiter" if dry_run else "traité(s)"
        for outcome in outcomes:
            line = f"{outcome.category} ({outcome.label}) : {outcome.count} {verb}"
            if outcome.error:
                line += f" — ÉCHEC ({outcome.error})"
                self.stderr.write(line)
            else:
                self.stdout.write(line)
        if dry_run:
            self.stdout.write("Simulation : rien n'a été modifié.")
