"""``python manage.py generate_vault_key [--kid ID]``: print a new ``kid:base64`` vault key."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rgpd.crypto import generate_key_spec


class Command(BaseCommand):
    help = (
        "Affiche une nouvelle clé du coffre « identifiant:base64 » (32 octets aléatoires), "
        "à ajouter EN DERNIER dans VAULT_KEYS. Rien n'est enregistré."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kid", help="Identifiant de la clé (par défaut : daté et unique).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            spec = generate_key_spec(options["kid"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        # Printed alone on stdout so that it can be piped into a secret store.
        self.stdout.write(spec)
