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
  a sender or a recipient.

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
from orientations.services import _cutoff as waited_since
from pilotage import charts
from pilotage.forms import Filters
from pilotage.privacy import protect_count, protect_stat
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


def states_table(qs: QuerySet[Referral]) -> Table:
    counted = qs.values_list("state").annotate(n=Count("pk")).order_by()
    rows = distribution(by_labels(counted, [(k, str(v)) for k, v in State.choices]))
    chart = charts.hbar_chart("Orientations par état", [(r[0], r[1]) for r in rows])
    return Table("orientations/etats", rows, chart=chart)


def delays(qs: QuerySet[Referral]) -> tuple[int, float | None, int, float | None]:
    """(read count, median seconds to reading, accepted count, median seconds to acceptance)."""
    annotated = (
        qs.annotate(
            to_seen=Epoch(_first(*READ_STATES) - F("sent_at")),
            to_accepted=Epoch(_first(State.ACCEPTED) - F("sent_at")),
        )
        .values("to_seen", "to_accepted")
        .order_by()
    )
    rows = grouping_sets(
        annotated,
        [()],
        [
            'COUNT("to_seen")',
            'percentile_cont(0.5) WITHIN GROUP (ORDER BY "to_seen")',
            'COUNT("to_accepted")',
            'percentile_cont(0.5) WITHIN GROUP (ORDER BY "to_accepted")',
        ],
    )[()]
    if not rows:
        return 0, None, 0, None
    seen_n, seen_median, accepted_n, accepted_median = rows[0][1]
    return int(seen_n), seen_median, int(accepted_n), accepted_median


def pending_days(filters: Filters) -> dict[int, int]:
    """Each MDS's alert delay in working days (the model's default when it has no settings)."""
    configured = dict(
        ReferralSettings.objects.filter(mds_id__in=filters.mds_ids).values_list(
            "mds_id", "escalate_after_days"
        )
    )
    default = ReferralSettings().escalate_after_days
    return {pk: configured.get(pk, default) for pk in filters.mds_ids}


def pending(filters: Filters, days: dict[int, int]) -> int:
    """Referrals waiting today past their MDS's alert delay (one query for every MDS)."""
    today = timezone.localdate()
    overdue = Q(pk__in=[])
    for n in sorted(set(days.values())):
        sites = [pk for pk, d in days.items() if d == n]
        overdue |= Q(mds_id__in=sites, sent_at__lt=waited_since(today, n))
    return Referral.objects.filter(
        overdue,
        state__in=WAITING_STATES,
        target_kind__in=[TargetKind.ROLE, TargetKind.USER],
    ).count()


def pending_label(days: dict[int, int]) -> str:
    values = set(days.values())
    if len(values) == 1:
        return f"En attente depuis plus de {values.pop()} jours ouvrés (aujourd'hui)"
    return "En attente au-delà du délai d'alerte de chaque MDS (aujourd'hui)"


def figures_table(filters: Filters, qs: QuerySet[Referral]) -> Table:
    seen_n, seen_median, accepted_n, accepted_median = delays(qs)
    days = pending_days(filters)
    rows: list[list[Any]] = [
        [SEEN_LABEL, protect_stat(_hours(seen_median), seen_n)],
        [ACCEPTED_LABEL, protect_stat(_hours(accepted_median), accepted_n)],
        [pending_label(days), protect_count(pending(filters, days))],
    ]
    return Table("orientations/delais", rows)


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
    counted = reasons_counted(qs)
    return [
        states_table(qs),
        figures_table(filters, qs),
        reasons_table(counted),
        needs_table(qs, dict(counted).get(None, 0)),
    ]
