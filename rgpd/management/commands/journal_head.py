"""``python manage.py journal_head``: the journal's head, verified and signed, for the DPO.

Prints the signed line (and logs it, as the task ``rgpd.export_journal_head`` does); with
``--output FILE`` also appends it to a file kept outside the database (DPO's share, mail).
Later, ``verify_journal --expect "<line>"`` proves nothing up to that head was lost or changed.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rgpd.journal import JournalBrokenError, export_head


class Command(BaseCommand):
    help = "Vérifie le journal d'audit puis affiche sa tête signée (à conserver hors de la base)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", type=Path, help="Fichier auquel ajouter la ligne (créé s'il manque)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            head = export_head()
        except JournalBrokenError as error:
            raise CommandError(f"ROMPU : {error} Aucune tête n'est signée.") from None
        line = head.line()
        if options["output"] is not None:
            with options["output"].open("a", encoding="ascii") as file:
                file.write(line + "\n")
        self.stdout.write(line)
