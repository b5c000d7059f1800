"""The register of personal data is filled by registration: each app declares its tables."""

from __future__ import annotations

import dataclasses

import pytest

from rgpd import personal_data
from rgpd.personal_data import by_key, categories, register_personal_data


def test_each_app_declares_its_own_tables() -> None:
    by_app: dict[str, set[str]] = {}
    for category in categories():
        by_app.setdefault(category.model.split(".")[0], set()).add(category.key)
    assert {"usager", "sessions", "demarches", "ateliers"} <= by_app["accompagnement"]
    assert {"passages", "passage_events"} <= by_app["accueil"]
    assert {"consents", "credentials", "documents", "journal"} <= by_app["rgpd"]
    positions = [category.position for category in categories()]
    assert positions == sorted(positions)


def test_registering_the_same_category_twice_is_harmless_but_a_different_one_is_refused() -> None:
    usager = by_key("usager")
    register_personal_data(usager)
    assert categories().count(usager) == 1
    with pytest.raises(ValueError, match="déjà déclarée"):
        register_personal_data(dataclasses.replace(usager, label="Autre chose"))
    assert by_key("usager") == usager
    assert personal_data.by_key("usager").label == usager.label
