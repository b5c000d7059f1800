"""``python manage.py seed_demo``: demo MDS and one account per role; prints the accounts.

The command sits in ``pilotage``, the top layer, because the demo (package ``demo``) seeds every
app below it; no app of a lower layer may import it."""

from typing import Any

from django.core.management.base import BaseCommand

from demo.seed import demo_password, seed
from mds.roles import MFA_REQUIRED_ROLES, Role


class Command(BaseCommand):
    help = "Crée (ou met à jour) deux MDS de démonstration et un compte par rôle."

    def handle(self, *args: Any, **options: Any) -> None:
        password = demo_password()
        accounts = seed(password=password)
        self.stdout.write(self.style.SUCCESS("Comptes de démonstration :"))
        for account in accounts:
            mfa = (
                " (double authentification demandée)" if account.role in MFA_REQUIRED_ROLES else ""
            )
            self.stdout.write(f"  {Role(account.role).label:<40} {account.email}{mfa}")
        self.stdout.write(f"Mot de passe commun : {password}")
