"""CSV and XLSX exports of the dashboard tables, and the session-level export in the vocabulary
of the Coop de la médiation numérique. Columns are documented in ``docs/exports.md``.

- CSV: UTF-8 with a byte-order mark (LibreOffice and Excel then read the accents right), comma
  separator, RFC 4180 quoting, dates ISO 8601 (``2026-03-31``), decimals with a point;
- XLSX: one sheet, bold header, dates as real dates shown ``yyyy-mm-dd``;
- cells hold what the page shows: masked counts are the text ``"< 5"`` or ``"masqué"``
  (:mod:`pilotage.privacy`), a statistic not shown is an empty cell;
- CSV injection: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return gets a leading apostrophe (:func:`neutralise`), in both formats.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from accompagnement.models import (
    ADMINISTRATIVE_COOP_THEMES,
    CoopTheme,
    Demarche,
    Gender,
    ModeOfHelp,
)

from .forms import Filters
from .privacy import Count
from .selectors.mediation import sessions
from .tables import COOP_COLUMNS, Table

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value: str) -> str:
    """A text a spreadsheet will not run as a formula (OWASP "CSV injection")."""
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def export_cell(value: Any) -> Any:
    """The exported value of a table cell (XLSX keeps numbers and dates typed)."""
    if isinstance(value, Count):
        value = value.cell
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, int | float | dt.date):
        return value
    return neutralise(str(value))


def _csv_text(value: Any) -> str:
    value = export_cell(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def filename(table_slug: str, filters: Filters, extension: str) -> str:
    return (
        f"mds-{table_slug.replace('/', '-')}-{filters.start.isoformat()}"
        f"-{filters.end.isoformat()}.{extension}"
    )


def csv_response(headers: Sequence[str], rows: Iterable[Sequence[Any]], name: str) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in headers])
    for row in rows:
        writer.writerow([_csv_text(v) for v in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def xlsx_response(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], name: str, title: str
) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append([neutralise(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([export_cell(v) for v in row])
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            if isinstance(cell.value, dt.date | dt.datetime):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def table_response(table: Table, filters: Filters, fmt: str) -> HttpResponse:
    name = filename(table.slug, filters, fmt)
    if fmt == "csv":
        return csv_response(table.columns, table.rows, name)
    return xlsx_response(table.columns, table.rows, name, table.title)


# --------------------------------------------------------------------------------------------
# Session-level export (Coop de la médiation numérique, "compte rendu d'activité")
# --------------------------------------------------------------------------------------------

#: Our age bands → the Coop's ``trancheAge`` values (to check against its current export).
COOP_AGE = {
    "moins_12": "moins_de_douze_ans",
    "12_18": "douze_dix_huit",
    "18_24": "dix_huit_vingt_quatre",
    "25_39": "vingt_cinq_trente_neuf",
    "40_59": "quarante_cinquante_neuf",
    "60_69": "soixante_soixante_neuf",
    "70_plus": "soixante_dix_plus",
}
COOP_GENDER: dict[str, str] = {str(Gender.FEMALE): "feminin", str(Gender.MALE): "masculin"}


def coop_autonomy(mode: int) -> str:
    """The Coop's three-level autonomy from our five modes (the session's least autonomous)."""
    if mode <= ModeOfHelp.FAIRE_FAIRE:
        return "entierement"
    if mode <= ModeOfHelp.FAIRE_AVEC:
        return "partiellement"
    return "pas_du_tout"


def coop_rows(filters: Filters) -> Iterator[list[Any]]:
    """One row per session. Two ordered streams (sessions, their démarches) merged here: no
    model instance per row, a constant number of queries whatever the period."""
    scope = sessions(filters)
    session_rows = (
        scope.order_by("date", "pk")
        .values_list(
            "pk",
            "date",
            "duration_minutes",
            "mds__name",
            "age_band",
            "usager__age_band",
            "usager__gender",
            "outcome__code",
        )
        .iterator(chunk_size=5000)
    )
    demarche_rows = (
        Demarche.objects.filter(session__in=scope.values("pk"))
        .order_by("session__date", "session_id", "position", "pk")
        .values_list(
            "session_id", "mode_of_help", "kind_of_help__coop_theme", "organisme__coop_theme"
        )
        .iterator(chunk_size=5000)
    )
    pending = next(demarche_rows, None)
    for pk, date, duration, site, age, usager_age, gender, outcome in session_rows:
        themes: list[str] = []
        admin_themes: list[str] = []
        mode = 0
        while pending is not None and pending[0] == pk:
            _sid, demarche_mode, kind_theme, organisme_theme = pending
            mode = max(mode, demarche_mode)
            wanted = [kind_theme] if kind_theme else []
            if organisme_theme:
                wanted += [CoopTheme.AIDE_AUX_DEMARCHES_ADMINISTRATIVES, organisme_theme]
            for theme in wanted:
                target = admin_themes if theme in ADMINISTRATIVE_COOP_THEMES else themes
                if str(theme) not in target:
                    target.append(str(theme))
            pending = next(demarche_rows, None)
        yield [
            date,
            duration,
            "lieu_activite",  # sessions happen at the MDS (no home visit or remote session yet)
            site,
            ",".join(themes),
            ",".join(admin_themes),
            coop_autonomy(mode or ModeOfHelp.FAIRE_AVEC),
            COOP_AGE.get(age or usager_age or "", "non_communique"),
            COOP_GENDER.get(gender or "", "non_communique"),
            "oui" if outcome == "reoriente" else "non",
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def coop_response(filters: Filters, fmt: str) -> HttpResponse | StreamingHttpResponse:
    name = filename("mediation/seances-coop", filters, fmt)
    if fmt == "xlsx":
        return xlsx_response(COOP_COLUMNS, coop_rows(filters), name, "Accompagnements")
    writer = csv.writer(_Echo(), lineterminator="\r\n")

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(list(COOP_COLUMNS))
        for row in coop_rows(filters):
            yield writer.writerow([_csv_text(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
