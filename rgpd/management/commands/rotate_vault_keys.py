"""``python manage.py rotate_vault_keys``: re-wrap every data key under the newest vault key."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from rgpd import journal, vault
from rgpd.crypto import get_keyring
from rgpd.models import JournalAction, JournalReason


class Command(BaseCommand):
    help = (
        "Rechiffre la clé de données de chaque secret avec la clé la plus récente de "
        "VAULT_KEYS (la dernière). Sans interruption de service, relançable sans risque."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=200)
        parser.add_argument(
            "--check",
            action="store_true",
            help="Compte seulement les secrets pas encore sur la clé la plus récente "
            "(code de sortie 1 s'il en reste).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        ring = get_keyring()
        if options["check"]:
            pending = vault.pending_rotation(keyring=ring)
            for label, count in pending.items():
                self.stdout.write(f"{label} : {count} à rechiffrer")
            if any(pending.values()):
                raise CommandError(
                    f"Des secrets ne sont pas encore sur la clé « {ring.current_kid} »."
                )
            self.stdout.write(
                self.style.SUCCESS(f"OK : tout est sur la clé « {ring.current_kid} ».")
            )
            return
        report = vault.rotate_keys(batch_size=options["batch_size"], keyring=ring)
        if report.rewrapped:
            with transaction.atomic():
                journal.record(
                    actor=None,
                    action=JournalAction.ROTATE_VAULT_KEYS,
                    target_type="vault_key",
                    target_id=ring.current_kid,
                    reason=JournalReason.KEY_ROTATION,
                )
        self.stdout.write(
            f"Clé « {report.current_kid} » : {report.rewrapped} rechiffré(s), "
            f"{report.skipped} déjà à jour ou détruit(s), {len(report.failed)} en échec."
        )
        if report.failed:
            for label in report.failed:
                self.stderr.write(f"  échec : {label}")
            raise CommandError(
                "Certains secrets n'ont pas pu être rechiffrés : gardez les anciennes clés "
                "dans VAULT_KEYS et examinez-les (voir docs/vault-keys.md)."
            )
        self.stdout.write(self.style.SUCCESS("OK"))
