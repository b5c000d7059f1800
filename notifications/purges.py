"""Retention purges of issue 11, registered with ``mds.jobs.purges`` (see ``apps.ready``).

The defaults and their sources (to move into the retention table ``rgpd/retention.py`` once it
lands — see docs/jobs.md):

- ``vault_secrets``: expired credentials and documents crypto-shredded (``rgpd`` service).
- ``journal``: audit journal rotated past ``JOURNAL_RETENTION_MONTHS`` (``rgpd`` service).
- ``passage_aliases``: first names/pseudonyms on passages removed the day after the day close
  (anonymous statistics stay).
- ``inactive_usagers``: usagers with no contact for 24 months (``USAGER_RETENTION_MONTHS``)
  anonymised (CNIL référentiel "action sociale": 2 years after the last contact) through the
  register's erasure rules; their sessions stay as anonymous statistics.
- ``receipts``: notification receipts older than 6 months anonymised.
- ``closed_referrals``: referrals closed, declined or expired for 24 months
  (``REFERRAL_RETENTION_MONTHS``) anonymised: the person (usager, pseudonym), the note, the
  messages, the place, the needs and every link back to the person (consent, session, passage)
  go; the MDS, dates, states, reason category, target and history stay for the figures.

Each batch is one short transaction over at most ``size`` rows selected by primary key, so a
run killed anywhere has committed whole batches only and a rerun reaches the same end state.
"""

from __future__ import annotations

import datetime as dt
import operator
from functools import reduce
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from accompagnement.models import MediationSession, Usager
from accueil.models import Passage
from mds.jobs.purges import Purge, add_reporter, register, simple
from orientations.models import Referral, State
from orientations.personal_data import ANONYMISED, anonymised_outcome
from rgpd import journal
from rgpd import personal_data as person_register
from rgpd import retention as retention_table
from rgpd.models import (
    JournalAction,
    JournalReason,
    ScannedDocument,
    TemporaryCredential,
)
from rgpd.services.purge import (
    consent_signatures_due,
    purge_consent_signatures,
    purge_expired_secrets,
)

from .models import Contact, Receipt


# Durations come from the one retention table (rgpd/retention.py, operator settings included).
def passage_alias_days() -> int:
    """Passages keep their first name through the day after their day."""
    return retention_table.value("passage_alias")


def usager_inactivity_months() -> int:
    assert retention_table.row("person").unit == "months"
    return retention_table.value("person")


def receipt_retention_months() -> int:
    return retention_table.value("receipt")


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """Same day ``months`` calendar months earlier (clamped to the month's last day)."""
    return moment - relativedelta(months=months)


# --- vault secrets ---------------------------------------------------------------------------


def _vault_batch(now: dt.datetime, size: int) -> int:
    return purge_expired_secrets(now=now, batch_size=size).total


def _vault_due(now: dt.datetime) -> int:
    dead = Q(consent__withdrawn_at__isnull=False) | Q(consent__expires_at__lte=now)
    alive = {"secret__destroyed_at__isnull": True}
    return sum(
        model.objects.filter(**alive).filter(Q(secret__expires_at__lte=now) | dead).count()
        for model in (TemporaryCredential, ScannedDocument)
    )


# --- journal ---------------------------------------------------------------------------------


def _journal_batch(now: dt.datetime, size: int) -> int:
    checkpoint = journal.rotate_by_policy(now=now)
    return checkpoint.removed_count if checkpoint is not None else 0


def _journal_due(now: dt.datetime) -> int:
    from rgpd.models import JournalEntry

    return JournalEntry.objects.filter(created_at__lt=journal.retention_cutoff(now)).count()


# --- passage first names ---------------------------------------------------------------------

#: rows per transaction of the first-name purge (bench/purge.py: 1 M rows under a check-in
#: load; bigger batches stop paying off while lengthening each lock)
ALIAS_BATCH = 5000


def _alias_scope(now: dt.datetime) -> Any:
    last_kept = timezone.localdate(now) - dt.timedelta(days=passage_alias_days())
    return Passage.objects.filter(day__lt=last_kept).exclude(alias="")


def _alias_batch(now: dt.datetime, size: int, after: int) -> tuple[int, int | None]:
    """One statement per batch: the next ``size`` rows after ``after`` by primary key (keyset:
    the big, hot table is read forward, never rescanned), blanked, counted, last key returned.

    No id list travels to Python and back. No ``FOR UPDATE`` in the selection: the UPDATE
    locks each row itself, and ``SELECT … FOR UPDATE [SKIP LOCKED]`` would write a row lock
    (one WAL record per row, ~12 % of a batch's time in bench/purge.py) for nothing — the
    desks only write today's passages, these are two days old or more (one written meanwhile
    is waited for, then blanked too).
    """
    batch = _alias_scope(now).filter(pk__gt=after).order_by("pk").values("pk")[:size]
    if connection.vendor != "postgresql":  # the SQLite dev fallback: no UPDATE inside a WITH
        with transaction.atomic():
            ids = [row["pk"] for row in batch]
            done = Passage.objects.filter(pk__in=ids).update(alias="") if ids else 0
        return done, (ids[-1] if done else None)
    table = connection.ops.quote_name(Passage._meta.db_table)
    pk = connection.ops.quote_name(Passage._meta.pk.column)
    alias = connection.ops.quote_name(Passage._meta.get_field("alias").column)
    with transaction.atomic(), connection.cursor() as cursor:
        select_sql, params = batch.query.sql_with_params()
        cursor.execute(
            f"WITH batch AS ({select_sql}), "  # noqa: S608 (names from _meta, values bound)
            f"done AS (UPDATE {table} SET {alias} = '' WHERE {pk} IN (SELECT * FROM batch) "
            f"RETURNING {pk}) "
            f"SELECT count(*), max({pk}) FROM done",
            params,
        )
        row = cursor.fetchone()
    done, last = (row[0], row[1]) if row else (0, None)
    return done, (last if done else None)


# --- inactive usagers ------------------------------------------------------------------------


def _inactive_usagers(now: dt.datetime) -> Any:
    cutoff = months_before(now, usager_inactivity_months())
    not_anonymous = (
        ~Q(display_name="")
        | Q(birth_year__isnull=False)
        | ~Q(notes="")
        | ~Q(languages="")
        | Q(reminder_contact__isnull=False)
        # a profile without a name may still have session notes to clear (#13)
        | Exists(MediationSession.objects.filter(usager=OuterRef("pk")).exclude(note=""))
    )
    return (
        Usager.objects.filter(not_anonymous)
        .annotate(last_session=Max("sessions__date"))
        .annotate(
            last_contact=Greatest("created_at__date", Coalesce("last_session", "created_at__date"))
        )
        .filter(last_contact__lt=timezone.localdate(cutoff))
    )


def _anonymise(usagers: list[Usager]) -> None:
    """The register's erasure rules for a whole batch: one statement per category (the
    conditions of the batch's people OR-ed), not one per category and person."""
    for category in person_register.person_categories():
        assert category.person is not None
        manager: Any = category.model_class._default_manager
        queryset = manager.filter(reduce(operator.or_, (category.person(u) for u in usagers)))
        if category.erase is person_register.Erase.UPDATE:
            values = {
                name: (value() if callable(value) else value)
                for name, value in category.replace.items()
            }
            queryset.update(**values)
        elif category.erase is person_register.Erase.DELETE:
            queryset.delete()
    Contact.objects.filter(usager__in=usagers).delete()


def _usager_batch(now: dt.datetime, size: int) -> int:
    with transaction.atomic():
        ids = list(_inactive_usagers(now).order_by("pk").values_list("pk", flat=True)[:size])
        # a profile being edited is left for the next run rather than waited for
        usagers = list(Usager.objects.select_for_update(skip_locked=True).filter(pk__in=ids))
        if usagers:
            _anonymise(usagers)
        return len(usagers)


# --- receipts --------------------------------------------------------------------------------


def _receipt_scope(now: dt.datetime) -> Any:
    cutoff = months_before(now, receipt_retention_months())
    return Receipt.objects.filter(created_at__lt=cutoff, anonymised_at__isnull=True)


def _receipt_batch(now: dt.datetime, size: int) -> int:
    with transaction.atomic():
        ids = list(_receipt_scope(now).order_by().values_list("pk", flat=True)[:size])
        return Receipt.objects.filter(pk__in=ids).update(
            usager=None, recipient_user=None, to_masked="", context={}, anonymised_at=now
        )


# --- closed referrals ------------------------------------------------------------------------

#: states a referral never leaves: the retention runs from the last state change
FINISHED_STATES = (State.CLOSED, State.DECLINED, State.EXPIRED)


def referral_retention_months() -> int:
    return retention_table.value("referral")


def _referral_scope(now: dt.datetime) -> Any:
    cutoff = months_before(now, referral_retention_months())
    not_anonymous = (
        Q(usager__isnull=False)
        | ~Q(pseudonym=ANONYMISED)
        | ~Q(note="")
        | ~Q(decline_message="")
        | ~Q(outcome__in=("", ANONYMISED))
        | ~Q(appointment_place="")
        | Q(consent__isnull=False)
        | Q(origin_session__isnull=False)
        | Q(origin_passage__isnull=False)
        | Q(needs__isnull=False)
    )
    return Referral.objects.filter(
        not_anonymous, state__in=FINISHED_STATES, state_changed_at__lt=cutoff
    )


def _referral_batch(now: dt.datetime, size: int) -> int:
    with transaction.atomic():
        ids = list(
            _referral_scope(now).order_by("pk").values_list("pk", flat=True).distinct()[:size]
        )
        if not ids:
            return 0
        Referral.needs.through.objects.filter(referral_id__in=ids).delete()
        return Referral.objects.filter(pk__in=ids).update(
            usager=None,
            pseudonym=ANONYMISED,
            note="",
            decline_message="",
            outcome=anonymised_outcome(),
            appointment_place="",
            consent=None,
            origin_session=None,
            origin_passage=None,
        )


def _journal_counts(category: str, count: int) -> None:
    # Counts only: the category is the target type, the count its identifier (both are in the
    # entry's HMAC, like every field of the chain).
    journal.record(
        actor=None,
        action=JournalAction.RETENTION_PURGE,
        target_type=category,
        target_id=count,
        reason=JournalReason.RETENTION_POLICY,
    )


def register_all() -> None:
    register(Purge("vault_secrets", "Secrets expirés du coffre", simple(_vault_batch), _vault_due))
    register(
        Purge(
            "consent_signatures",
            "Signatures des preuves de consentement au-delà de leur durée",
            simple(lambda now, size: purge_consent_signatures(now=now, batch_size=size)),
            lambda now: consent_signatures_due(now).count(),
        )
    )
    register(Purge("journal", "Journal au-delà de sa durée", simple(_journal_batch), _journal_due))
    register(
        Purge(
            "passage_aliases",
            "Prénoms des passages (lendemain de la clôture)",
            _alias_batch,
            lambda now: _alias_scope(now).count(),
            batch_size=ALIAS_BATCH,
        )
    )
    register(
        Purge(
            "inactive_usagers",
            "Usagers sans contact depuis la durée de conservation",
            simple(_usager_batch),
            lambda now: _inactive_usagers(now).count(),
        )
    )
    register(
        Purge(
            "receipts",
            "Accusés d'envoi au-delà de leur durée de conservation",
            simple(_receipt_batch),
            lambda now: _receipt_scope(now).count(),
        )
    )
    register(
        Purge(
            "closed_referrals",
            "Orientations closes, refusées ou expirées depuis la durée de conservation",
            simple(_referral_batch),
            lambda now: _referral_scope(now).values("pk").distinct().count(),
        )
    )
    add_reporter(_journal_counts)
