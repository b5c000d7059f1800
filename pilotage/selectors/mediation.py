"""Médiation indicators: sessions and people, démarches by organisme and kind, the five modes
of help and the *faire avec* / *faire pour* share month by month, autonomy progress, origins,
outcomes, duration bands, ateliers.

Definitions (written down where the issue is silent):
- sessions count by their date; démarche filters (organisme, kind, mode) keep the sessions that
  have at least one matching démarche, and the démarches that match;
- mode shares are shares of démarches (a session may hold several démarches);
- **autonomy progress**: people with a profile who had at least two sessions in the period;
  a session's mode is its least autonomous démarche (the highest step on the scale); the person
  progressed when the mode of the last session is more autonomous than that of the first one;
- distinct people = distinct profiles; anonymous sessions are counted apart (each may be a
  different person or the same one: we do not guess).
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth

from accompagnement.models import (
    Atelier,
    AtelierAudience,
    Demarche,
    KindOfHelp,
    MediationSession,
    ModeOfHelp,
    Organisme,
    Origin,
    Outcome,
)
from pilotage import charts
from pilotage.forms import Filters
from pilotage.privacy import Count as Cell
from pilotage.privacy import protect_count, protect_series, protect_share
from pilotage.tables import Table

from .common import by_labels, distribution, grouping_sets

MONTHS_FR = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)

#: (label, lowest minutes, highest minutes) — both ends included.
DURATION_BANDS: tuple[tuple[str, int, int], ...] = (
    ("15 minutes ou moins", 1, 15),
    ("16 à 30 minutes", 16, 30),
    ("31 minutes à 1 heure", 31, 60),
    ("1 à 2 heures", 61, 120),
    ("Plus de 2 heures", 121, 10_000),
)


def demarche_filter(filters: Filters, prefix: str = "") -> Q:
    q = Q()
    if filters.organisme is not None:
        q &= Q(**{f"{prefix}organisme": filters.organisme})
    if filters.kind is not None:
        q &= Q(**{f"{prefix}kind_of_help": filters.kind})
    if filters.mode is not None:
        q &= Q(**{f"{prefix}mode_of_help": filters.mode})
    return q


def sessions(filters: Filters) -> QuerySet[MediationSession]:
    qs = MediationSession.objects.filter(
        mds_id__in=filters.mds_ids, date__gte=filters.start, date__lte=filters.end
    )
    if filters.mediator_id is not None:
        qs = qs.filter(mediator_id=filters.mediator_id)
    wanted = demarche_filter(filters)
    if wanted:
        qs = qs.filter(Exists(Demarche.objects.filter(wanted, session_id=OuterRef("pk"))))
    return qs


def demarches(filters: Filters) -> QuerySet[Demarche]:
    qs = Demarche.objects.filter(
        session__mds_id__in=filters.mds_ids,
        session__date__gte=filters.start,
        session__date__lte=filters.end,
    ).filter(demarche_filter(filters))
    if filters.mediator_id is not None:
        qs = qs.filter(session__mediator_id=filters.mediator_id)
    return qs


Grouped = dict[tuple[str, ...], list[tuple[dict[str, Any], tuple[Any, ...]]]]


def session_breakdowns(filters: Filters) -> Grouped:
    """Sessions overall, per MDS, by origin, outcome and duration band: one scan."""
    band = Case(
        *(
            When(duration_minutes__gte=low, duration_minutes__lte=high, then=Value(i))
            for i, (_label, low, high) in enumerate(DURATION_BANDS)
        ),
        default=Value(len(DURATION_BANDS) - 1),
        output_field=IntegerField(),
    )
    qs = (
        sessions(filters)
        .annotate(band=band)
        .values("mds_id", "origin_id", "outcome_id", "band", "usager_id", "duration_minutes")
        .order_by()
    )
    return grouping_sets(
        qs,
        [(), ("mds_id",), ("origin_id",), ("outcome_id",), ("band",)],
        [
            "COUNT(*)",
            'COUNT(DISTINCT "usager_id")',
            'COUNT(*) FILTER (WHERE "usager_id" IS NULL)',
            'COALESCE(SUM("duration_minutes"), 0)',
        ],
    )


def demarche_breakdowns(filters: Filters) -> Grouped:
    """Démarches overall, by mode, mode x month, organisme, kind, mode x MDS: one scan."""
    qs = (
        demarches(filters)
        .annotate(month=TruncMonth("session__date"), site=F("session__mds_id"))
        .values("mode_of_help", "month", "organisme_id", "kind_of_help_id", "site")
        .order_by()
    )
    return grouping_sets(
        qs,
        [
            (),
            ("mode_of_help",),
            ("mode_of_help", "month"),
            ("organisme_id",),
            ("kind_of_help_id",),
            ("mode_of_help", "site"),
        ],
        ["COUNT(*)"],
    )


def _counts(grouped: Grouped, group: tuple[str, ...], key: str) -> list[tuple[Any, int]]:
    return [(keys[key], values[0]) for keys, values in grouped[group]]


def figures(
    filters: Filters, by_session: Grouped | None = None, by_demarche: Grouped | None = None
) -> dict[int | None, dict[str, Any]]:
    """Sessions and démarches (total, faire avec, faire pour) overall (key ``None``) and per MDS."""
    by_session = by_session if by_session is not None else session_breakdowns(filters)
    by_demarche = by_demarche if by_demarche is not None else demarche_breakdowns(filters)
    empty = {"sessions": 0, "people": 0, "anonymous": 0, "minutes": 0}
    result: dict[int | None, dict[str, Any]] = {None: dict(empty)}
    names = ("sessions", "people", "anonymous", "minutes")
    for keys, values in by_session[()] + by_session[("mds_id",)]:
        result[keys.get("mds_id")] = dict(zip(names, values, strict=True))
    for entry in result.values():
        entry.update(total=0, avec=0, pour=0)
    for keys, (n,) in by_demarche[("mode_of_help", "site")] + by_demarche[("mode_of_help",)]:
        entry = result.setdefault(keys.get("site"), {**empty, "total": 0, "avec": 0, "pour": 0})
        entry["total"] += n
        if keys["mode_of_help"] == ModeOfHelp.FAIRE_AVEC:
            entry["avec"] += n
        elif keys["mode_of_help"] == ModeOfHelp.FAIRE_POUR:
            entry["pour"] += n
    return result


def figures_table(overall: dict[str, Any]) -> Table:
    rows: list[list[Any]] = [
        ["Accompagnements", protect_count(overall["sessions"])],
        ["Personnes distinctes (profils)", protect_count(overall["people"])],
        ["Accompagnements anonymes", protect_count(overall["anonymous"])],
        ["Démarches", protect_count(overall["total"])],
        ["Heures d'accompagnement", round((overall["minutes"] or 0) / 60, 1)],
    ]
    return Table("mediation/chiffres", rows)


def modes(by_demarche: Grouped) -> Table:
    counted = _counts(by_demarche, ("mode_of_help",), "mode_of_help")
    rows = distribution(by_labels(counted, [(k, str(v)) for k, v in ModeOfHelp.choices]))
    chart = charts.hbar_chart("Modes d'aide", [(r[0], r[1]) for r in rows])
    return Table("mediation/modes", rows, chart=chart)


def modes_by_month(by_demarche: Grouped) -> Table:
    found: dict[Any, dict[int, int]] = {}
    for keys, (n,) in by_demarche[("mode_of_help", "month")]:
        found.setdefault(keys["month"], {})[keys["mode_of_help"]] = n
    modes_list = [int(v) for v in ModeOfHelp.values]
    rows: list[list[Any]] = []
    series: list[list[Cell]] = [[] for _m in modes_list]
    labels = []
    for month in sorted(found):
        values = [found[month].get(m, 0) for m in modes_list]
        counts = protect_series(values)
        total = sum(values)
        labels.append(f"{MONTHS_FR[month.month - 1]} {month.year}")
        for k, c in enumerate(counts):
            series[k].append(c)
        rows.append(
            [
                month.strftime("%Y-%m"),
                *counts,
                protect_share(counts[modes_list.index(ModeOfHelp.FAIRE_AVEC)], total),
                protect_share(counts[modes_list.index(ModeOfHelp.FAIRE_POUR)], total),
            ]
        )
    chart = charts.stacked_shares(
        "Modes d'aide mois par mois",
        labels,
        series,
        [str(label) for _v, label in ModeOfHelp.choices],
    )
    return Table("mediation/modes-par-mois", rows, chart=chart)


_AUTONOMY_SQL = """
WITH s AS (
    SELECT ms.id, ms.usager_id, ms.date, ms.created_at, MAX(d.mode_of_help) AS mode
    FROM accompagnement_mediationsession ms
    JOIN accompagnement_demarche d ON d.session_id = ms.id
    WHERE ms.usager_id IS NOT NULL AND ms.mds_id = ANY(%(mds)s)
      AND ms.date >= %(start)s AND ms.date <= %(end)s
      AND (%(mediator)s::bigint IS NULL OR ms.mediator_id = %(mediator)s::bigint)
    GROUP BY ms.id
), p AS (
    SELECT usager_id,
           (array_agg(mode ORDER BY date, created_at, id))[1] AS first_mode,
           (array_agg(mode ORDER BY date DESC, created_at DESC, id DESC))[1] AS last_mode
    FROM s GROUP BY usager_id HAVING COUNT(*) >= 2
)
SELECT COUNT(*) FILTER (WHERE last_mode < first_mode),
       COUNT(*) FILTER (WHERE last_mode = first_mode),
       COUNT(*) FILTER (WHERE last_mode > first_mode)
FROM p
"""


def autonomy(filters: Filters) -> Table:
    with connection.cursor() as cursor:
        cursor.execute(
            _AUTONOMY_SQL,
            {
                "mds": filters.mds_ids,
                "start": filters.start,
                "end": filters.end,
                "mediator": filters.mediator_id,
            },
        )
        progressed, stable, regressed = cursor.fetchone() or (0, 0, 0)
    rows = distribution(
        [
            ("Vers plus d'autonomie", progressed),
            ("Même mode d'aide", stable),
            ("Vers moins d'autonomie", regressed),
        ]
    )
    return Table(
        "mediation/autonomie",
        rows,
        note="Personnes avec un profil et au moins deux accompagnements sur la période.",
    )


def _reference(model: Any) -> list[tuple[Any, str]]:
    return list(model.objects.order_by("position", "label").values_list("pk", "label"))


def by_organisme(by_demarche: Grouped) -> Table:
    counted = _counts(by_demarche, ("organisme_id",), "organisme_id")
    labels = [*_reference(Organisme), (None, "Sans organisme")]
    rows = distribution(by_labels(counted, labels), with_share=False)
    rows = [r for r in rows if r[1].value]
    chart = charts.hbar_chart("Démarches par organisme", [(r[0], r[1]) for r in rows])
    return Table("mediation/organismes", rows, chart=chart)


def by_kind(by_demarche: Grouped) -> Table:
    counted = _counts(by_demarche, ("kind_of_help_id",), "kind_of_help_id")
    rows = distribution(by_labels(counted, _reference(KindOfHelp)), with_share=False)
    rows = [r for r in rows if r[1].value]
    return Table("mediation/aides", rows)


def by_origin(by_session: Grouped) -> Table:
    counted = _counts(by_session, ("origin_id",), "origin_id")
    rows = distribution(by_labels(counted, _reference(Origin)), with_share=False)
    return Table("mediation/origines", rows)


def by_outcome(by_session: Grouped) -> Table:
    counted = _counts(by_session, ("outcome_id",), "outcome_id")
    rows = distribution(by_labels(counted, _reference(Outcome)), with_share=False)
    return Table("mediation/issues", rows)


def durations(by_session: Grouped) -> Table:
    found = dict(_counts(by_session, ("band",), "band"))
    pairs = [(label, found.get(i, 0)) for i, (label, _l, _h) in enumerate(DURATION_BANDS)]
    return Table("mediation/durees", distribution(pairs, with_share=False))


def ateliers(filters: Filters) -> Table:
    participants = Sum(
        F("count_female") + F("count_male") + F("count_gender_other") + F("count_gender_unknown")
    )
    qs = Atelier.objects.filter(
        mds_id__in=filters.mds_ids, date__gte=filters.start, date__lte=filters.end
    )
    if filters.mediator_id is not None:
        qs = qs.filter(animator_id=filters.mediator_id)
    counted = {
        audience: (n, people or 0)
        for audience, n, people in qs.values_list("audience")
        .annotate(n=Count("pk"), people=participants)
        .order_by()
    }
    audiences = list(AtelierAudience.choices)
    workshops = protect_series([counted.get(a, (0, 0))[0] for a, _l in audiences])
    people = protect_series([counted.get(a, (0, 0))[1] for a, _l in audiences])
    rows = [
        [str(label), w, p] for (_a, label), w, p in zip(audiences, workshops, people, strict=True)
    ]
    return Table("mediation/ateliers", rows)


def mediation_tables(
    filters: Filters, by_session: Grouped | None = None, by_demarche: Grouped | None = None
) -> list[Table]:
    by_session = by_session if by_session is not None else session_breakdowns(filters)
    by_demarche = by_demarche if by_demarche is not None else demarche_breakdowns(filters)
    overall = figures(filters, by_session, by_demarche)[None]
    return [
        figures_table(overall),
        modes(by_demarche),
        modes_by_month(by_demarche),
        autonomy(filters),
        by_organisme(by_demarche),
        by_kind(by_demarche),
        by_origin(by_session),
        by_outcome(by_session),
        durations(by_session),
        ateliers(filters),
    ]
