"""The partner directory's import: CSV or JSON with data·inclusion field names, all or nothing.

Every row is validated first; if one is rejected, nothing is written and the report lists the
rejected rows with the reason in French. Otherwise each row creates or updates the partner keyed
by ``(source, id)`` and replaces its permanences, parsed from ``horaires_accueil`` (the
OpenStreetMap ``opening_hours`` format) with ``opening-hours-py``. See ``docs/annuaire.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from opening_hours import OpeningHours, State

from .models import Offer, Partner, Permanence

LIST_FIELDS = ("thematiques", "publics", "frais", "modes_accueil", "offres")
TEXT_FIELDS = {
    "nom": 200,
    "description": 2000,
    "adresse": 255,
    "commune": 100,
    "telephone": 30,
    "horaires_accueil": 255,
    "langues": 120,
}
REQUIRED = ("id", "nom", "date_maj")
_CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*(?:--[a-z0-9]+(?:-[a-z0-9]+)*)?$")
#: A reference week with no public holiday, to read the weekly slots of ``horaires_accueil``.
_REFERENCE_MONDAY = dt.datetime(2024, 1, 8)


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line or index, reason)

    @property
    def ok(self) -> bool:
        return not self.rejected


def _as_list(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).replace(";", ",").split(",") if part.strip()]


def weekly_slots(horaires: str) -> list[tuple[int, dt.time, dt.time]]:
    """``(weekday, start, end)`` of each open slot in a typical week (raises ValueError)."""
    try:
        hours = OpeningHours(horaires)
    except Exception as error:  # the parser raises its own ParserError
        raise ValueError("horaires_accueil illisibles (format OpenStreetMap attendu)") from error
    slots = []
    end_of_week = _REFERENCE_MONDAY + dt.timedelta(days=7)
    for start, end, state, _comment in hours.intervals(_REFERENCE_MONDAY, end_of_week):
        if state != State.OPEN or end <= start:
            continue
        last = min(end, start.replace(hour=23, minute=59))  # a slot is cut at midnight
        slots.append((start.weekday(), start.time(), last.time()))
    return slots


def _clean_row(raw: dict[str, Any]) -> dict[str, Any]:
    """A validated row, or ValueError with the reason in French."""
    missing = [name for name in REQUIRED if not str(raw.get(name) or "").strip()]
    if missing:
        raise ValueError("champ(s) obligatoire(s) manquant(s) : " + ", ".join(missing))
    row: dict[str, Any] = {
        "source": str(raw.get("source") or "import").strip()[:60],
        "external_id": str(raw["id"]).strip()[:100],
    }
    for name, limit in TEXT_FIELDS.items():
        value = str(raw.get(name) or "").strip()
        if len(value) > limit:
            raise ValueError(f"{name} : {limit} caractères au plus")
        row[name] = value
    try:
        row["date_maj"] = dt.date.fromisoformat(str(raw["date_maj"]).strip()[:10])
    except ValueError:
        raise ValueError("date_maj : date attendue au format AAAA-MM-JJ") from None
    code_postal = str(raw.get("code_postal") or "").strip()
    if code_postal and not re.fullmatch(r"[0-9]{5}", code_postal):
        raise ValueError("code_postal : cinq chiffres")
    row["code_postal"] = code_postal
    courriel = str(raw.get("courriel") or "").strip()
    if courriel:
        try:
            validate_email(courriel)
        except ValidationError:
            raise ValueError("courriel invalide") from None
    row["courriel"] = courriel
    site_web = str(raw.get("site_web") or "").strip()
    if site_web:
        try:
            URLValidator(schemes=["http", "https"])(site_web)
        except ValidationError:
            raise ValueError("site_web invalide") from None
    row["site_web"] = site_web
    for name in LIST_FIELDS:
        values = _as_list(raw.get(name))
        bad = [v for v in values if not _CODE.match(v)]
        if bad:
            raise ValueError(f"{name} : code(s) inconnu(s) ou mal formé(s) : {', '.join(bad)}")
        row[name] = values
    unknown_offers = set(row["offres"]) - set(Offer.values)
    if unknown_offers:
        raise ValueError("offres : " + ", ".join(sorted(unknown_offers)) + " inconnue(s)")
    row["slots"] = weekly_slots(row["horaires_accueil"]) if row["horaires_accueil"] else []
    return row


def parse(content: bytes, *, filename: str) -> list[dict[str, Any]]:
    """Rows of a CSV (comma or semicolon, UTF-8) or JSON (a list of objects) file."""
    text = content.decode("utf-8-sig")
    if filename.lower().endswith(".json"):
        data = json.loads(text)
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise ValueError("Le JSON doit être une liste d'objets.")
        return data
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;")
    return list(csv.DictReader(io.StringIO(text), dialect=dialect))


def import_partners(content: bytes, *, filename: str) -> ImportReport:
    """Validate every row, then write all of them in one transaction, or none."""
    report = ImportReport()
    try:
        raw_rows = parse(content, filename=filename)
    except (ValueError, UnicodeDecodeError, csv.Error) as error:
        report.rejected.append((0, f"fichier illisible : {error}"))
        return report
    if not raw_rows:
        report.rejected.append((0, "fichier vide"))
        return report
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    # CSV rows start on line 2 (line 1 is the header); JSON rows are numbered from 1.
    first = 1 if filename.lower().endswith(".json") else 2
    for number, raw in enumerate(raw_rows, start=first):
        try:
            row = _clean_row(raw)
        except ValueError as error:
            report.rejected.append((number, str(error)))
            continue
        key = (row["source"], row["external_id"])
        if key in seen:
            report.rejected.append((number, "identifiant en double dans le fichier"))
            continue
        seen.add(key)
        rows.append(row)
    if report.rejected:
        return report
    with transaction.atomic():
        for row in rows:
            slots = row.pop("slots")
            offers = row.pop("offres")
            languages = row.pop("langues")
            partner, created = Partner.objects.update_or_create(
                source=row.pop("source"),
                external_id=row.pop("external_id"),
                defaults={**row, "is_active": True},
            )
            report.created += created
            report.updated += not created
            partner.permanences.all().delete()
            Permanence.objects.bulk_create(
                Permanence(
                    partner=partner,
                    weekday=weekday,
                    starts_at=start,
                    ends_at=end,
                    offers=offers,
                    languages=languages,
                )
                for weekday, start, end in slots
            )
    return report
