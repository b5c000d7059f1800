"""The data migration seeds the reference lists the admin edits afterwards."""

from __future__ import annotations

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


def test_reference_migration_seeds_every_list() -> None:
    assert set(Organisme.objects.values_list("code", flat=True)) == {
        code for code, _label, _theme in reference.ORGANISMES
    }
    assert KindOfHelp.objects.count() == len(reference.KINDS_OF_HELP) == 13
    assert Organisme.objects.count() == 15
    assert list(Origin.objects.values_list("code", flat=True)) == [
        "spontane",
        "oriente_professionnel",
        "aller_vers",
        "file_accueil",
    ]
    assert Outcome.objects.get(code="a_poursuivre").requires_next_appointment
    assert set(Outcome.objects.filter(needs_follow_up=True).values_list("code", flat=True)) == {
        "a_poursuivre",
        "pieces_manquantes",
    }
    assert SocialRight.objects.filter(code__in=["rsa", "apl", "aah", "css"]).count() == 4
    assert RelatedRightRule.objects.count() == len(reference.RELATED_RIGHT_RULES)


def test_seeded_forbidden_acts_are_forbidden_for_the_mediator() -> None:
    acts = {act.code: act for act in ForbiddenAct.objects.all()}
    assert set(acts) == {
        "carte_bancaire",
        "declaration_trimestrielle_rsa",
        "logiciels_professionnels",
    }
    assert all(act.is_forbidden_for("mediateur") for act in acts.values())
    assert all(act.explanation and act.suggestion for act in acts.values())
    assert acts["carte_bancaire"].kind_of_help.code == "paiement_en_ligne"
    assert acts["declaration_trimestrielle_rsa"].organisme.code == "caf"
    assert not acts["logiciels_professionnels"].has_criteria


def test_reference_lists_are_ordered_as_seeded() -> None:
    labels = list(Organisme.objects.values_list("code", flat=True))
    assert labels[0] == "caf" and labels[-1] == "autre"


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

    Organisme.objects.filter(code="caf").update(label="CAF des Bouches-du-Rhône")
    reference.seed_reference_data(apps, None)
    assert Organisme.objects.get(code="caf").label == "CAF des Bouches-du-Rhône"
    assert Organisme.objects.count() == 15
