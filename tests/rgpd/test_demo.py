"""Reference data of the vault: frozen data migrations, re-run by rgpd.demo after a flush."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from rgpd import demo
from rgpd.models import ConsentPurpose, ConsentText, PurposeCode

MIGRATIONS = Path(demo.__file__).resolve().parent / "migrations"


def test_data_migrations_are_frozen_they_import_no_project_code() -> None:
    data = [path for path in sorted(MIGRATIONS.glob("0*.py")) if "RunPython" in path.read_text()]
    assert data
    for path in data:
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                for name in names:
                    assert name.split(".")[0] not in {"rgpd", "mds", "accueil", "accompagnement"}, (
                        f"{path.name} importe {name} : une migration de données garde ses données"
                    )


def test_every_data_migration_is_listed_for_the_demo() -> None:
    with_data = {
        f"rgpd.migrations.{path.stem}"
        for path in MIGRATIONS.glob("0*.py")
        if "RunPython(seed" in path.read_text()
    }
    assert with_data == set(demo.DATA_MIGRATIONS)


@pytest.mark.django_db
def test_seed_demo_reference_puts_back_what_a_flush_removed_and_is_idempotent() -> None:
    ConsentText.objects.all().delete()
    ConsentPurpose.objects.all().delete()
    demo.seed_demo_reference()
    demo.seed_demo_reference()
    codes = set(ConsentPurpose.objects.values_list("code", flat=True))
    assert {PurposeCode.CREDENTIAL, PurposeCode.DOCUMENT, PurposeCode.FAIRE_POUR} <= codes
    assert ConsentText.objects.count() == len(codes)  # version 1 of each, once
    text = ConsentText.objects.get(purpose__code=PurposeCode.CREDENTIAL)
    assert text.version == 1 and len(text.sha256) == 64
