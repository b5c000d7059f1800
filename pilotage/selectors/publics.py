"""Publics: the optional profile fields of the people helped in the period, in the categories
the seed's bilans used (age bands, gender, equipment, internet at home), so an MDS can compare.

The people counted are the profiles (``Usager``) with at least one session in the scope and
period; anonymous sessions are counted apart by their age band (the only field they carry).
Equipment is multiple: a person with a smartphone and a computer counts in both rows.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accompagnement.models import AgeBand, Equipment, Gender, InternetAtHome, Usager
from pilotage import charts
from pilotage.forms import Filters
from pilotage.privacy import protect_count
from pilotage.tables import Table

from .common import by_labels, distribution, grouping_sets
from .mediation import sessions

NOT_GIVEN = "Non renseigné"


def people(filters: Filters) -> QuerySet[Usager]:
    return Usager.objects.filter(Exists(sessions(filters).filter(usager_id=OuterRef("pk"))))


def _choices(choices: Any) -> list[tuple[Any, str]]:
    return [*((k, str(v)) for k, v in choices), ("", NOT_GIVEN)]


def publics_tables(filters: Filters) -> list[Table]:
    qs = people(filters)
    grouped = grouping_sets(
        qs.values("age_band", "gender", "internet_at_home").order_by(),
        [("age_band",), ("gender",), ("internet_at_home",)],
        ["COUNT(*)"],
    )

    def counted(column: str) -> list[tuple[str, int]]:
        return [(keys[column], values[0]) for keys, values in grouped[(column,)]]

    ages = distribution(by_labels(counted("age_band"), _choices(AgeBand.choices)), with_share=False)
    genders = distribution(by_labels(counted("gender"), _choices(Gender.choices)), with_share=False)
    equipment_counts = qs.aggregate(
        **{
            f"e_{value}": Count("pk", filter=Q(equipment__contains=[value]))
            for value in Equipment.values
        },
        none_given=Count("pk", filter=Q(equipment=[])),
    )
    # a person may have several pieces of equipment: each row is masked on its own
    equipment = [
        [str(label), protect_count(equipment_counts[f"e_{value}"])]
        for value, label in Equipment.choices
    ] + [[NOT_GIVEN, protect_count(equipment_counts["none_given"])]]
    internet = distribution(
        by_labels(counted("internet_at_home"), [(k, str(v)) for k, v in InternetAtHome.choices]),
        with_share=False,
    )
    anonymous = distribution(
        by_labels(
            sessions(filters)
            .filter(usager__isnull=True)
            .values_list("age_band")
            .annotate(n=Count("pk"))
            .order_by(),
            _choices(AgeBand.choices),
        ),
        with_share=False,
    )
    return [
        Table(
            "publics/ages",
            ages,
            chart=charts.hbar_chart("Tranches d'âge", [(r[0], r[1]) for r in ages]),
        ),
        Table("publics/genres", genders),
        Table(
            "publics/equipement", equipment, note="Une personne peut avoir plusieurs équipements."
        ),
        Table("publics/internet", internet),
        Table("publics/ages-anonymes", anonymous),
    ]
