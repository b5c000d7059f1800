"""Orientation indicators: referrals sent in the period by state (sent / seen / accepted /
declined / closed / expired), median delay to reading and to acceptance, by reason and by
need, and those waiting past the MDS's alert delay.

Definitions (the issue is silent on these):
- a referral counts in the period of its sending (Europe/Paris), in the state it is in now;
- delays run from sending to the first event of the referral's history (``ReferralEvent``)
  that put it in that state, in hours of calendar time; "lue" is the first move out of *sent*
  towards *seen*, *accepted* or *declined* (an answer implies a reading; a partner's referral
  closed by its sender, or an expiry, is no reading). Medians by ``percentile_cont``, shown
  only over 5 referrals or more (:func:`pilotage.privacy.protect_stat`);
- "en attente" is counted **today**, whatever the period: still *sent* or *seen*, addressed to a
  role or a professional of the MDS (partners answer outside the application, as in
  ``orientations``), and sent before the instant from which the MDS's
  ``ReferralSettings.escalate_after_days`` ("alerter la direction après") working days have
  passed — the cutoff ``orientations`` itself uses to alert the direction (French public
  holidays excluded; defaults when the MDS has no settings);
- restricted referrals (*information préoccupante*) count in the states, delays and waiting
  figures like any other, but their reason and needs are never broken down: they make one row
  "Orientations confidentielles" in the reason and need tables. No table holds a name, a note,
  a sender or a recipient;
- several MDS in scope: one row per MDS (``orientations/comparaison``), each column masked as a
  series across the MDS.

A fixed number of queries whatever the data size (asserted in tests).
"""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from orientations.models import (
    WAITING_STATES,
    Need,
    ReasonCategory,
    Referral,
    ReferralEvent,
    ReferralSettings,
    State,
    TargetKind,
)
from orientations.workdays import waited_cutoff as waited_since
from pilotage import charts
from pilotage.forms import Filters
from pilotage.privacy import protect_count, protect_series, protect_share, protect_stat
from pilotage.tables import Table

from .common import Epoch, by_labels, distribution, grouping_sets, local_bounds

RESTRICTED_LABEL = "Orientations confidentielles (non détaillées)"
#: An answer implies a reading: the first move out of "sent" towards one of these.
READ_STATES = (State.SEEN, State.ACCEPTED, State.DECLINED)
SEEN_LABEL = "Délai médian jusqu'à la lecture (heures)"
ACCEPTED_LABEL = "Délai médian jusqu'à l'acceptation (heures)"


def referrals(filters: Filters) -> QuerySet[Referral]:
    start, end = local_bounds(filters)
    return Referral.objects.filter(mds_id__in=filters.mds_ids, sent_at__gte=start, sent_at__lt=end)


def _first(*states: str) -> Subquery:
    return Subquery(
        ReferralEvent.objects.filter(referral_id=OuterRef("pk"), to_state__in=states)
        .order_by("at")
        .values("at")[:1],
        output_field=DateTimeField(),
    )


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600.0, 1)


FIGURES_SQL = (
    "COUNT(*)",
    *(f"COUNT(*) FILTER (WHERE state = '{state.value}')" for state in State),
    'COUNT("to_seen")',
    'percentile_cont(0.5) WITHIN GROUP (ORDER BY "to_seen")',
    'COUNT("to_accepted")',
    'percentile_cont(0.5) WITHIN GROUP (ORDER BY "to_accepted")',
)
FIGURE_NAMES = (
    "total",
    *(state.value for state in State),
    "seen_n",
    "seen_median",
    "accepted_n",
    "accepted_median",
)
EMPTY: dict[str, Any] = {name: None if name.endswith("median") else 0 for name in FIGURE_NAMES}


def figures(qs: QuerySet[Referral]) -> dict[int | None, dict[str, Any]]:
    """Counts by state and median delays of the whole scope (key ``None``) and of each MDS,
    in one scan."""
    annotated = (
        qs.annotate(
            to_seen=Epoch(_first(*READ_STATES) - F("sent_at")),
            to_accepted=Epoch(_first(State.ACCEPTED) - F("sent_at")),
        )
        .values("mds_id", "state", "to_seen", "to_accepted")
        .order_by()
    )
    result: dict[int | None, dict[str, Any]] = {None: dict(EMPTY)}
    for group, rows in grouping_sets(annotated, [(), ("mds_id",)], FIGURES_SQL).items():
        for keys, values in rows:
            result[keys.get("mds_id") if group else None] = dict(
                zip(FIGURE_NAMES, values, strict=True)
            )
    return result


def states_table(figures: dict[str, Any]) -> Table:
    rows = distribution([(str(label), int(figures[value])) for value, label in State.choices])
    chart = charts.hbar_chart("Orientations par état", [(r[0], r[1]) for r in rows])
    return Table("orientations/etats", rows, chart=chart)


def pending_days(filters: Filters) -> dict[int, int]:
    """Each MDS's alert delay in working days (the model's default when it has no settings)."""
    configured = dict(
        ReferralSettings.objects.filter(mds_id__in=filters.mds_ids).values_list(
            "mds_id", "escalate_after_days"
        )
    )
    default = ReferralSettings().escalate_after_days
    return {pk: configured.get(pk, default) for pk in filters.mds_ids}


def pending(days: dict[int, int]) -> dict[int, int]:
    """Referrals of each MDS waiting today past its alert delay (one query for every MDS).

    ``waited_since`` is the very instant ``orientations`` uses to alert the direction, so the
    page and the alerts always agree."""
    today = timezone.localdate()
    overdue = Q(pk__in=[])
    for n in sorted(set(days.values())):
        sites = [pk for pk, d in days.items() if d == n]
        overdue |= Q(mds_id__in=sites, sent_at__lt=waited_since(today, n))
    counted = (
        Referral.objects.filter(
            overdue,
            state__in=WAITING_STATES,
            target_kind__in=[TargetKind.ROLE, TargetKind.USER],
        )
        .values_list("mds_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = dict(counted)
    return {pk: int(found.get(pk, 0)) for pk in days}


def pending_label(days: dict[int, int]) -> str:
    values = set(days.values())
    if len(values) == 1:
        return f"En attente depuis plus de {values.pop()} jours ouvrés (aujourd'hui)"
    return "En attente au-delà du délai d'alerte de chaque MDS (aujourd'hui)"


def delays_table(figures: dict[str, Any], days: dict[int, int], waiting: int) -> Table:
    rows: list[list[Any]] = [
        [SEEN_LABEL, protect_stat(_hours(figures["seen_median"]), figures["seen_n"])],
        [
            ACCEPTED_LABEL,
            protect_stat(_hours(figures["accepted_median"]), figures["accepted_n"]),
        ],
        [pending_label(days), protect_count(waiting)],
    ]
    return Table("orientations/delais", rows)


def comparison_table(
    filters: Filters, figures: dict[int | None, dict[str, Any]], waiting: dict[int, int]
) -> Table:
    """One row per MDS (several MDS in scope): each column is a series across the MDS."""
    sites = list(filters.sites)
    per_site = [figures.get(site.pk, EMPTY) for site in sites]
    totals = protect_series([f["total"] for f in per_site])
    shares = {
        state: protect_series([f[state] for f in per_site])
        for state in (State.ACCEPTED, State.DECLINED, State.EXPIRED)
    }
    pending_cells = protect_series([waiting[site.pk] for site in sites])
    rows: list[list[Any]] = []
    for i, (site, f) in enumerate(zip(sites, per_site, strict=True)):
        rows.append(
            [
                site.name,
                totals[i],
                *(protect_share(cells[i], f["total"]) for cells in shares.values()),
                protect_stat(_hours(f["seen_median"]), f["seen_n"]),
                protect_stat(_hours(f["accepted_median"]), f["accepted_n"]),
                pending_cells[i],
            ]
        )
    return Table("orientations/comparaison", rows)


def _unless_restricted(expression: F) -> Case:
    """The key of a breakdown, or ``NULL`` for a restricted referral (never broken down)."""
    return Case(
        When(restricted=True, then=Value(None)),
        default=expression,
        output_field=IntegerField(),
    )


def reasons_counted(qs: QuerySet[Referral]) -> list[tuple[int | None, int]]:
    """Referrals by reason; restricted referrals under the key ``None``."""
    return list(
        qs.annotate(key=_unless_restricted(F("reason_category_id")))
        .values_list("key")
        .annotate(n=Count("pk"))
        .order_by()
    )


def reasons_table(counted: list[tuple[int | None, int]]) -> Table:
    labels: list[tuple[Any, str]] = list(
        ReasonCategory.objects.order_by("position", "label").values_list("pk", "label")
    )
    labels.append((None, RESTRICTED_LABEL))
    rows = distribution(by_labels(counted, labels), with_share=False)
    chart = charts.hbar_chart("Orientations par motif", [(r[0], r[1]) for r in rows])
    return Table("orientations/motifs", rows, chart=chart)


def needs_table(qs: QuerySet[Referral], restricted: int) -> Table:
    """Needs of the non-restricted referrals; the restricted ones as one row."""
    labels: list[tuple[Any, str]] = list(
        Need.objects.order_by("position", "label").values_list("pk", "label")
    )
    labels.append((None, RESTRICTED_LABEL))
    counted: list[tuple[Any, int]] = list(
        Referral.needs.through.objects.filter(referral__in=qs.filter(restricted=False))
        .values_list("need_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counted.append((None, restricted))
    rows = distribution(by_labels(counted, labels), with_share=False)
    return Table(
        "orientations/besoins",
        rows,
        note="Une orientation peut signaler plusieurs besoins, ou aucun.",
    )


def orientation_tables(filters: Filters) -> list[Table]:
    qs = referrals(filters)
    found = figures(qs)
    days = pending_days(filters)
    waiting = pending(days)
    counted = reasons_counted(qs)
    tables = [
        states_table(found[None]),
        delays_table(found[None], days, sum(waiting.values())),
        reasons_table(counted),
        needs_table(qs, dict(counted).get(None, 0)),
    ]
    if filters.compare:
        tables.insert(0, comparison_table(filters, found, waiting))
    return tables
