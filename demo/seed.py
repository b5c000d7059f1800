"""Demo data: two MDS and one account per role. Used by ``seed_demo`` and the browser tests.

It lives above the apps it seeds (it calls their services), never inside one of them: no app
imports this package."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accompagnement.models import KindOfHelp, Organisme, Origin, Outcome, Usager
from accompagnement.reference import seed_reference_data as seed_accompagnement
from accompagnement.services.common import DemarcheInput
from accompagnement.services.sessions import log_session
from accompagnement.services.usagers import create_usager
from accueil.reference import seed_reference_data as seed_accueil
from accueil.services import desk_named
from mds.models import MDS, OpeningPeriod, User
from mds.roles import Role
from mds.services import grant_membership
from orientations.reference import seed_reference_data as seed_orientations
from rgpd.demo import seed_demo_reference


@dataclass(frozen=True)
class DemoSite:
    code: str
    name: str
    address: str


SITES = (
    DemoSite("malpasse", "MDS Vallon de Malpassé", "Avenue Saint-Paul, 13013 Marseille"),
    DemoSite("marignane", "MDS Marignane", "Boulevard Frédéric Mistral, 13700 Marignane"),
)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    role: str
    site: str | None  # None for departmental roles


ACCOUNTS = (
    DemoAccount("accueil@malpasse.demo.fr", "Nadia", "Accueil", Role.ACCUEIL, "malpasse"),
    DemoAccount("mediateur@malpasse.demo.fr", "Yanis", "Médiateur", Role.MEDIATEUR, "malpasse"),
    DemoAccount(
        "social@malpasse.demo.fr", "Claire", "Assistante", Role.TRAVAILLEUR_SOCIAL, "malpasse"
    ),
    DemoAccount(
        "secretariat@malpasse.demo.fr", "Sonia", "Secrétariat", Role.SECRETARIAT, "malpasse"
    ),
    DemoAccount("direction@malpasse.demo.fr", "Marc", "Directeur", Role.DIRECTION, "malpasse"),
    DemoAccount("accueil@marignane.demo.fr", "Léa", "Accueil", Role.ACCUEIL, "marignane"),
    DemoAccount(
        "direction.departementale@demo.fr",
        "Hélène",
        "Départementale",
        Role.DIRECTION_DEPARTEMENTALE,
        None,
    ),
    DemoAccount("admin@demo.fr", "Alain", "Administrateur", Role.ADMIN, None),
    DemoAccount("dpo@demo.fr", "Dominique", "DPO", Role.DPO, None),
)

# Monday to Friday, 8:30-12:30 and 13:30-17:00 (a common MDS timetable).
OPENING = ((dt.time(8, 30), dt.time(12, 30)), (dt.time(13, 30), dt.time(17, 0)))


def demo_password() -> str:
    """``DEMO_PASSWORD`` if set; otherwise one generated once and kept in ``.demo-password``."""
    from_env = os.environ.get("DEMO_PASSWORD")
    if from_env:
        return from_env
    path = Path(settings.BASE_DIR) / ".demo-password"
    if path.exists():
        return path.read_text().strip()
    password = "Demo-" + secrets.token_urlsafe(12)
    path.write_text(password + "\n")
    path.chmod(0o600)
    return password


#: Desks of every demo site (their English and Arabic names come with them).
DEMO_DESKS = ("Accueil", "Bureau 1", "Bureau 2", "Bureau 3")


def seed_reference_data() -> None:
    """Reference lists come from data migrations; put back any that a flush removed."""
    seed_accueil(apps)
    seed_accompagnement(apps, None)
    seed_demo_reference()
    seed_orientations()


@transaction.atomic
def seed(*, password: str) -> list[DemoAccount]:
    """Create or update the demo sites and accounts. Idempotent: run it as often as you like."""
    seed_reference_data()
    sites: dict[str, MDS] = {}
    for site in SITES:
        mds, _ = MDS.objects.update_or_create(
            code=site.code, defaults={"name": site.name, "address": site.address, "is_active": True}
        )
        if not mds.opening_periods.exists():
            OpeningPeriod.objects.bulk_create(
                OpeningPeriod(mds=mds, weekday=day, opens_at=start, closes_at=end)
                for day in range(5)
                for start, end in OPENING
            )
        for desk in DEMO_DESKS:
            desk_named(mds_id=mds.pk, label=desk)
        sites[site.code] = mds
    for account in ACCOUNTS:
        user, _ = User.objects.update_or_create(
            email=account.email,
            defaults={
                "first_name": account.first_name,
                "last_name": account.last_name,
                "is_active": True,
                "is_superuser": account.role == Role.ADMIN,
            },
        )
        user.set_password(password)
        user.save()
        grant_membership(
            user=user, role=account.role, mds=sites[account.site] if account.site else None
        )
    seed_activity(mds=sites["malpasse"], mediator=User.objects.get(email=ACCOUNTS[1].email))
    return list(ACCOUNTS)


def seed_activity(*, mds: MDS, mediator: User) -> None:
    """A demo person with two past sessions, so the person page shows a trajectory.

    Fixed idempotency keys make it safe to run again (the services return the same rows).
    """
    usager = Usager.objects.filter(mds=mds, display_name="Samira (démo)").first()
    if usager is None:
        usager = create_usager(
            mds=mds,
            created_by=mediator,
            display_name="Samira (démo)",
            age_band="40_59",
            equipment=["smartphone"],
        )
    caf = Organisme.objects.get(code="caf")
    online = KindOfHelp.objects.get(code="demarche_en_ligne")
    today = timezone.localdate()
    for days_ago, mode in ((30, 4), (14, 3)):
        log_session(
            mediator=mediator,
            mds=mds,
            idempotency_key=uuid.uuid5(uuid.NAMESPACE_URL, f"demo-session-{mds.code}-{mode}"),
            date=today - dt.timedelta(days=days_ago),
            duration_minutes=45,
            origin=Origin.objects.get(code="spontane"),
            outcome=Outcome.objects.get(code="fait"),
            usager=usager,
            demarches=[DemarcheInput(kind_of_help=online.pk, mode_of_help=mode, organisme=caf.pk)],
        )
