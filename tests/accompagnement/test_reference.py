"""The data migration seeds the reference lists the admin edits afterwards.

Counts come from the data the migration holds (its frozen copy), never from today's numbers."""

from __future__ import annotations

import importlib

import pytest

from accompagnement import reference
from accompagnement.models import (
    ADMINISTRATIVE_COOP_THEMES,
    MODE_OF_HELP_DEFINITIONS,
    CoopTheme,
    ForbiddenAct,
    KindOfHelp,
    ModeOfHelp,
    Organisme,
    Origin,
    Outcome,
    RelatedRightRule,
    SocialRight,
)

pytestmark = pytest.mark.django_db
SEEDED = importlib.import_module("accompagnement.migrations.0002_seed_reference_data")
MORE_KINDS = importlib.import_module("accompagnement.migrations.0006_more_kinds_of_help")


def test_the_demarches_the_seed_names_are_kinds_of_help_before_autre() -> None:
    kinds = list(KindOfHelp.objects.order_by("position").values_list("code", flat=True))
    for code in (
        "demande_logement_social",
        "declaration_situation",
        "simulation_droits",
        "inscription_france_travail",
        "demande_titre",
        "declaration_revenus",
        "demande_retraite",
    ):
        assert code in kinds
    assert kinds[-1] == "autre"


def test_reference_migration_seeds_every_list() -> None:
    assert set(Organisme.objects.values_list("code", flat=True)) == {
        code for code, _label, _theme in SEEDED.ORGANISMES
    }
    assert set(KindOfHelp.objects.values_list("code", flat=True)) == {
        code for code, _label, _theme in SEEDED.KINDS_OF_HELP + MORE_KINDS.KINDS_OF_HELP
    }
    assert list(Origin.objects.values_list("code", flat=True)) == [
        code for code, _label in SEEDED.ORIGINS
    ]
    assert Outcome.objects.get(code="a_poursuivre").requires_next_appointment
    assert set(Outcome.objects.filter(needs_follow_up=True).values_list("code", flat=True)) == {
        "a_poursuivre",
        "pieces_manquantes",
    }
    assert set(SocialRight.objects.values_list("code", flat=True)) == {
        code for code, _label, _organisme in SEEDED.RIGHTS
    }
    assert RelatedRightRule.objects.count() == len(SEEDED.RELATED_RIGHT_RULES)


def test_seeded_forbidden_acts_are_forbidden_for_the_mediator() -> None:
    acts = {act.code: act for act in ForbiddenAct.objects.all()}
    assert set(acts) == {act["code"] for act in SEEDED.FORBIDDEN_ACTS}
    assert all(act.is_forbidden_for("mediateur") for act in acts.values())
    assert all(act.explanation and act.suggestion for act in acts.values())
    assert acts["carte_bancaire"].kind_of_help.code == "paiement_en_ligne"
    assert acts["declaration_trimestrielle_rsa"].organisme.code == "caf"
    assert not acts["logiciels_professionnels"].has_criteria


def test_reference_lists_are_ordered_as_seeded() -> None:
    codes = list(Organisme.objects.values_list("code", flat=True))
    assert codes == [code for code, _label, _theme in SEEDED.ORGANISMES]


def test_modes_of_help_go_from_autonomy_to_faire_pour_with_a_definition() -> None:
    assert [mode.label for mode in ModeOfHelp] == [
        "Laisser faire",
        "Faire faire",
        "Former à faire",
        "Faire avec",
        "Faire pour",
    ]
    assert set(MODE_OF_HELP_DEFINITIONS) == set(ModeOfHelp.values)


def test_organismes_map_to_administrative_themes_and_kinds_to_national_themes() -> None:
    assert len(ADMINISTRATIVE_COOP_THEMES) == 11
    for organisme in Organisme.objects.exclude(coop_theme=""):
        assert organisme.coop_theme in ADMINISTRATIVE_COOP_THEMES
    for kind in KindOfHelp.objects.exclude(coop_theme=""):
        assert kind.coop_theme in CoopTheme.values
        assert kind.coop_theme not in ADMINISTRATIVE_COOP_THEMES


def test_seeding_again_keeps_admin_edits() -> None:
    from django.apps import apps

    before = Organisme.objects.count()
    Organisme.objects.filter(code="caf").update(label="CAF des Bouches-du-Rhône")
    reference.seed_reference_data(apps, None)
    assert Organisme.objects.get(code="caf").label == "CAF des Bouches-du-Rhône"
    assert Organisme.objects.count() == before
