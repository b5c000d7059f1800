"""``python manage.py verify_journal``: walk the audit journal's hash chain; exit 1 on a break."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rgpd.journal import verify_chain


class Command(BaseCommand):
    help = (
        "Vérifie la chaîne d'empreintes du journal d'audit, dans l'ordre, depuis le dernier "
        "point de contrôle. Code de sortie 1 à la première rupture."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chunk-size", type=int, default=2000)

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain(chunk_size=options["chunk_size"])
        if not report.ok and report.broken_id is None:
            raise CommandError(f"ROMPU : {report.problem}.")
        if not report.ok:
            raise CommandError(
                f"ROMPU : entrée id={report.broken_id} (n° {report.broken_seq}) : "
                f"{report.problem}. {report.count} entrée(s) vérifiée(s) avant elle."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"OK : {report.count} entrée(s) vérifiée(s), dernière empreinte {report.head_hash}."
            )
        )
