"""``python manage.py verify_journal``: walk the audit journal's keyed chain; exit 1 on a break.

``--expect SEQ:HASH`` (or a whole signed head line, see ``journal_head``) checks the chain
against a head exported earlier, outside the database: entries lost or rewritten up to it are
detected even by someone who holds the database and the journal key.
"""

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rgpd.journal import HEAD_PREFIX, parse_head_line, verify_chain

_EXPECT = re.compile(r"^([0-9]{1,19}):([0-9a-f]{64})$")


def _expect(value: str) -> tuple[int, str]:
    value = value.strip()
    if value.startswith(HEAD_PREFIX):
        try:
            head = parse_head_line(value)
        except ValueError as error:
            raise CommandError(str(error)) from None
        return head.seq, head.hash
    match = _EXPECT.match(value)
    if match is None:
        raise CommandError(
            "--expect : attendu « numéro:empreinte » (64 caractères hexadécimaux) ou une ligne "
            f"« {HEAD_PREFIX} … » exportée."
        )
    return int(match[1]), match[2]


class Command(BaseCommand):
    help = (
        "Vérifie la chaîne signée du journal d'audit, dans l'ordre, depuis le dernier point de "
        "contrôle. Code de sortie 1 à la première rupture."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chunk-size", type=int, default=2000)
        parser.add_argument(
            "--expect",
            metavar="SEQ:HASH",
            help="Tête exportée plus tôt (journal_head, journaux, page du DPO) : rien jusqu'à "
            "elle ne doit avoir disparu ni changé.",
        )
        parser.add_argument(
            "--retention-months",
            type=int,
            help="Durée de conservation en vigueur lors de la dernière rotation, si "
            "JOURNAL_RETENTION_MONTHS a été allongée depuis.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        expect = _expect(options["expect"]) if options["expect"] else None
        report = verify_chain(
            chunk_size=options["chunk_size"],
            expect=expect,
            retention_months=options["retention_months"],
        )
        if not report.ok and report.broken_id is None:
            raise CommandError(f"ROMPU : {report.problem}.")
        if not report.ok:
            raise CommandError(
                f"ROMPU : entrée id={report.broken_id} (n° {report.broken_seq}) : "
                f"{report.problem}. {report.count} entrée(s) vérifiée(s) avant elle."
            )
        if expect is not None:
            self.stdout.write(f"Tête exportée n° {expect[0]} retrouvée, identique.")
        self.stdout.write(
            self.style.SUCCESS(
                f"OK : {report.count} entrée(s) vérifiée(s), dernière empreinte {report.head_hash} "
                f"(n° {report.head_seq})."
            )
        )
