"""The retention table: how long each kind of personal data is kept, one row per kind.

This is the one place where a retention duration is written. Everything else reads it:

- the vault services and forms (:func:`value`: default and maximum time-to-live);
- the purges (:func:`rgpd.services.purge.purge_expired_secrets` through the secrets' expiry,
  the journal rotation through ``JOURNAL_RETENTION_MONTHS``);
- the processing register (:mod:`rgpd.personal_data`: each category names its row here, and
  its text is built by :func:`describe` at display time, so an operator's setting shows there);
- the docs: the table of ``docs/rgpd.md`` is checked against :data:`RETENTION` by a test, and so
  are the defaults quoted in the README and in ``mds/settings/base.py``.

A row with a ``setting`` is configurable: ``settings.<setting>`` (from the environment variable
of the same name, see ``mds/settings/base.py``) overrides ``default``. A row without one is a
policy fixed here (its purge comes with the background jobs); changing it is a code change,
reviewed with the DPO.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from dateutil.relativedelta import relativedelta
from django.conf import settings

Unit = Literal["hours", "days", "months", "years"]

UNIT_LABELS: dict[Unit, tuple[str, str]] = {
    "hours": ("heure", "heures"),
    "days": ("jour", "jours"),
    "months": ("mois", "mois"),
    "years": ("an", "ans"),
}

MINIMISATION = "Minimisation et limitation de la conservation (art. 5.1.c et 5.1.e RGPD)"
CNIL_MEDIATION = f"{MINIMISATION} ; kit CNIL des médiateurs numériques"
CNIL_JOURNAL = (
    "CNIL, recommandation sur la journalisation (délibération n° 2021-122 : 6 mois à 1 an)"
)
CNIL_SOCIAL = "Référentiel CNIL « action sociale » (conservation puis anonymisation)"
CNIL_SOCIAL_CONTACT = (
    "Référentiel CNIL « action sociale » : 2 ans après le dernier contact avec la personne, "
    "puis anonymisation"
)
CONSENT_PROOF = "Preuve du consentement (art. 7.1 RGPD) ; prescription quinquennale (C. civ. 2224)"


@dataclass(frozen=True)
class Retention:
    key: str
    label: str  # what is kept, in French
    default: int
    unit: Unit
    legal_source: str
    #: Django setting (and environment variable) overriding ``default``; ``None``: fixed policy.
    setting: str | None = None
    #: From when the duration runs, in French ("après le dernier accompagnement"), or "".
    after: str = ""
    #: What happens at the end, in French ("puis anonymisation"), or "".
    then: str = ""
    #: Key of the row giving the hard maximum an agent may choose (vault time-to-live).
    maximum: str | None = None


RETENTION: tuple[Retention, ...] = (
    Retention(
        "credential_ttl",
        "Identifiants temporaires (coffre), durée proposée",
        7,
        "days",
        CNIL_MEDIATION,
        setting="VAULT_CREDENTIAL_TTL_DAYS",
        then="puis destruction (crypto-effacement)",
        maximum="credential_ttl_max",
    ),
    Retention(
        "credential_ttl_max",
        "Identifiants temporaires (coffre), maximum",
        30,
        "days",
        CNIL_MEDIATION,
        setting="VAULT_CREDENTIAL_TTL_MAX_DAYS",
    ),
    Retention(
        "document_ttl",
        "Documents numérisés (coffre), durée proposée",
        72,
        "hours",
        CNIL_MEDIATION,
        setting="VAULT_DOCUMENT_TTL_HOURS",
        then="puis destruction (crypto-effacement)",
        maximum="document_ttl_max",
    ),
    Retention(
        "document_ttl_max",
        "Documents numérisés (coffre), maximum",
        720,
        "hours",
        CNIL_MEDIATION,
        setting="VAULT_DOCUMENT_TTL_MAX_HOURS",
    ),
    Retention(
        "journal",
        "Journal d'audit",
        12,
        "months",
        CNIL_JOURNAL,
        setting="JOURNAL_RETENTION_MONTHS",
        then="puis rotation avec point de contrôle",
    ),
    Retention(
        "consent_proof",
        "Consentements, comme preuve",
        5,
        "years",
        CONSENT_PROOF,
        after="après la fin du consentement (retrait ou expiration)",
    ),
    Retention(
        "person",
        "Profils, accompagnements et participations aux ateliers",
        24,
        "months",
        CNIL_SOCIAL_CONTACT,
        setting="USAGER_RETENTION_MONTHS",
        after="après le dernier contact (profil créé ou accompagnement)",
        then="puis anonymisation (les chiffres agrégés restent)",
    ),
    Retention(
        "referral",
        "Orientations closes, refusées ou expirées",
        24,
        "months",
        CNIL_SOCIAL,
        setting="REFERRAL_RETENTION_MONTHS",
        after="après la clôture, le refus ou l'expiration",
        then="puis anonymisation (note et messages détruits, les chiffres restent)",
    ),
    Retention(
        "passage_alias",
        "Prénom ou pseudonyme d'un passage à l'accueil",
        1,
        "days",
        MINIMISATION,
        then="effacé le lendemain de la clôture de la journée d'accueil",
    ),
    Retention(
        "passage",
        "Passages à l'accueil, anonymes (statistiques)",
        3,
        "years",
        CNIL_SOCIAL,
    ),
    Retention(
        "receipt",
        "Accusés d'envoi des rappels (canal, état, adresse masquée)",
        6,
        "months",
        MINIMISATION,
        then="puis anonymisation (l'état reste pour les chiffres)",
    ),
    Retention(
        "admin_log",
        "Historique de l'administration",
        12,
        "months",
        "Obligation de sécurité (art. 32 RGPD) ; CNIL, journalisation",
    ),
    Retention(
        "agent_account",
        "Comptes des agents",
        12,
        "months",
        "Exécution de la mission, gestion du personnel (art. 6.1.e RGPD)",
        after="après la fin de l'affectation",
        then="puis suppression (désactivation dès la fin de l'affectation)",
    ),
)

_BY_KEY: dict[str, Retention] = {row.key: row for row in RETENTION}


def row(key: str) -> Retention:
    return _BY_KEY[key]


def value(key: str) -> int:
    """The duration in force for ``key``: the operator's setting if any, else the default."""
    item = _BY_KEY[key]
    if item.setting is None:
        return item.default
    return int(getattr(settings, item.setting, item.default))


def cutoff(key: str, now: dt.datetime) -> dt.datetime:
    """The moment the duration in force for ``key`` before ``now``: what is older is due.

    Calendar arithmetic (``relativedelta``): 24 months before 31 March is 31 March, before
    29 February the 28th — the same day, clamped to the month's last day."""
    amount = value(key)
    step = {
        "hours": relativedelta(hours=amount),
        "days": relativedelta(days=amount),
        "months": relativedelta(months=amount),
        "years": relativedelta(years=amount),
    }[row(key).unit]
    return now - step


def duration_text(amount: int, unit: Unit) -> str:
    one, many = UNIT_LABELS[unit]
    text = f"{amount} {one if amount == 1 else many}"
    if unit == "hours" and amount >= 48 and amount % 24 == 0:
        text = f"{text} ({duration_text(amount // 24, 'days')})"
    return text


def describe(key: str) -> str:
    """The duration in force, in French: "7 jours par défaut, 30 jours au plus, puis …"."""
    item = _BY_KEY[key]
    text = duration_text(value(key), item.unit)
    if item.maximum is not None:
        top = _BY_KEY[item.maximum]
        text = f"{text} par défaut, {duration_text(value(top.key), top.unit)} au plus"
    if item.after:
        text = f"{text} {item.after}"
    return f"{text}, {item.then}" if item.then else text


# Shorthands used by the vault services and forms.
def credential_ttl_days() -> int:
    return value("credential_ttl")


def credential_ttl_max_days() -> int:
    return value("credential_ttl_max")


def document_ttl_hours() -> int:
    return value("document_ttl")


def document_ttl_max_hours() -> int:
    return value("document_ttl_max")


def journal_retention_months() -> int:
    return value("journal")


def markdown_table() -> str:
    """The table of ``docs/rgpd.md`` (defaults, not the settings in force): a test keeps the
    docs equal to it. Regenerate with ``python manage.py shell -c "from rgpd.retention import
    markdown_table; print(markdown_table())"`` (one line).
    """
    lines = [
        "| donnée | durée par défaut | réglage | référence |",
        "|---|---|---|---|",
    ]
    for item in RETENTION:
        text = duration_text(item.default, item.unit)
        if item.after:
            text = f"{text} {item.after}"
        if item.then:
            text = f"{text}, {item.then}"
        setting = f"`{item.setting}`" if item.setting else "—"
        lines.append(f"| {item.label} | {text} | {setting} | {item.legal_source} |")
    return "\n".join(lines)
