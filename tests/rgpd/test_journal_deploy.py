"""docker-compose runs web/worker/beat as the application role and migrate as the owner role."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())  # type: ignore[no-any-return]


def test_the_running_services_connect_as_the_application_role() -> None:
    services = _compose()["services"]
    for name in ("web", "worker", "beat"):
        url = services[name]["environment"]["DATABASE_URL"]
        assert url.startswith("postgres://mds_app:"), name
        assert services[name]["environment"]["DJANGO_SETTINGS_MODULE"] == "mds.settings.prod"


def test_only_migrate_connects_as_the_owner_role() -> None:
    services = _compose()["services"]
    migrate = services["migrate"]["environment"]
    assert migrate["DATABASE_URL"].startswith("postgres://mds_owner:")
    assert migrate["REDIS_URL"] and migrate["DJANGO_SETTINGS_MODULE"] == "mds.settings.prod"
    owners = [
        name
        for name, service in services.items()
        if "mds_owner" in str(service.get("environment", {}).get("DATABASE_URL", ""))
    ]
    assert owners == ["migrate"]


def test_the_postgres_service_creates_the_roles_on_a_new_volume() -> None:
    postgres = _compose()["services"]["postgres"]
    assert (
        "./docker/postgres/init-roles.sh:/docker-entrypoint-initdb.d/10-init-roles.sh:ro"
        in postgres["volumes"]
    )
    for variable in ("MDS_OWNER_PASSWORD", "MDS_APP_PASSWORD"):
        assert variable in postgres["environment"]


def test_the_env_example_names_every_secret_the_journal_and_roles_need() -> None:
    names = {
        line.partition("=")[0]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert {"JOURNAL_KEYS", "MDS_OWNER_PASSWORD", "MDS_APP_PASSWORD"} <= names
