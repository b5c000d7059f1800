"""One retention table (rgpd/retention.py), read by settings, services, purge, register, docs."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings as SettingsWrapper

from accompagnement.models import Usager
from mds.models import MDS, User
from mds.roles import Role
from mds.settings import base as base_settings
from rgpd import journal, retention
from rgpd.forms.vault import CredentialForm, DocumentForm
from rgpd.models import ConsentText, PurposeCode
from rgpd.pages import rights
from rgpd.personal_data import by_key, categories
from rgpd.services import credentials
from tests.accompagnement.factories import UsagerFactory
from tests.rgpd.factories import make_consent

ROOT = Path(__file__).resolve().parents[2]


def _configurable() -> dict[str, retention.Retention]:
    return {item.setting: item for item in retention.RETENTION if item.setting}


def test_the_docs_table_is_the_retention_table() -> None:
    docs = (ROOT / "docs" / "rgpd.md").read_text()
    block = re.search(
        r"<!-- retention-table:start -->\n(.*?)\n<!-- retention-table:end -->", docs, re.S
    )
    assert block is not None, "docs/rgpd.md a perdu ses marqueurs retention-table"
    assert block.group(1) == retention.markdown_table(), (
        "docs/rgpd.md n'est plus à jour : recopiez rgpd.retention.markdown_table()"
    )


def test_the_readme_quotes_the_table_defaults() -> None:
    readme = (ROOT / "README.md").read_text()
    quoted: dict[str, int] = {}
    for line in readme.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 2:
            continue
        names = re.findall(r"`([A-Z_]+)`", cells[0])
        values = re.findall(r"`(\d+)`", cells[1])
        if names and len(names) == len(values):
            quoted.update({name: int(value) for name, value in zip(names, values, strict=True)})
    for name, item in _configurable().items():
        assert quoted.get(name) == item.default, name


def test_settings_list_exactly_the_configurable_rows_and_set_no_default() -> None:
    assert set(base_settings.RETENTION_SETTINGS) == set(_configurable())
    source = (ROOT / "mds" / "settings" / "base.py").read_text()
    for name in base_settings.RETENTION_SETTINGS:
        assert f'env.int("{name}", default=' not in source


def test_value_reads_the_operator_setting_else_the_default(settings: SettingsWrapper) -> None:
    for name in _configurable():
        if hasattr(settings, name):
            delattr(settings, name)
    assert retention.credential_ttl_days() == 7
    assert retention.document_ttl_max_hours() == 720
    settings.VAULT_CREDENTIAL_TTL_DAYS = 3
    settings.JOURNAL_RETENTION_MONTHS = 6
    assert retention.credential_ttl_days() == 3
    assert retention.journal_retention_months() == 6
    assert retention.describe("credential_ttl").startswith("3 jours par défaut, 30 jours au plus")


def test_the_journal_rotation_falls_back_on_the_table_default(settings: SettingsWrapper) -> None:
    # rgpd/journal.py keeps its own fallback for now: it must say what the table says.
    if hasattr(settings, "JOURNAL_RETENTION_MONTHS"):
        del settings.JOURNAL_RETENTION_MONTHS
    now = timezone.now()
    months = retention.row("journal").default
    assert journal.retention_cutoff(now) == now - dt.timedelta(days=round(months * 30.5))


@pytest.fixture
def dpo_client(member: Callable[..., User]) -> Client:
    client = Client()
    client.force_login(member(Role.DPO))
    return client


def test_an_operator_setting_changes_the_processing_register(
    dpo_client: Client, settings: SettingsWrapper
) -> None:
    page = dpo_client.get(reverse("rgpd:register")).content.decode()
    assert "7 jours par défaut, 30 jours au plus" in page
    settings.VAULT_CREDENTIAL_TTL_DAYS = 2
    settings.VAULT_DOCUMENT_TTL_MAX_HOURS = 240
    settings.JOURNAL_RETENTION_MONTHS = 6
    page = dpo_client.get(reverse("rgpd:register")).content.decode()
    assert "2 jours par défaut, 30 jours au plus" in page
    assert "240 heures (10 jours) au plus" in page
    assert "6 mois, puis rotation" in page
    assert "7 jours par défaut" not in page


@pytest.mark.usefixtures("consent_purposes")
def test_an_operator_setting_changes_the_export_and_the_services(
    member: Callable[..., User], mds_a: MDS, settings: SettingsWrapper
) -> None:
    settings.VAULT_CREDENTIAL_TTL_DAYS = 2
    usager: Usager = UsagerFactory(mds=mds_a)
    mediator = member(Role.MEDIATEUR)
    make_consent(usager, PurposeCode.CREDENTIAL)
    before = timezone.now()
    credential = credentials.store_credential(
        actor=mediator, usager=usager, service="caf", identifier="id", secret="pw"
    )
    expires = credential.secret.expires_at - before
    assert dt.timedelta(days=2) <= expires < dt.timedelta(days=2, minutes=1)
    export = rights.export_person(actor=member(Role.DPO), usager=usager).as_json()
    texts = {item["cle"]: item["conservation"] for item in export["categories"]}
    assert texts["credentials"].startswith("2 jours par défaut")


def test_forms_say_the_durations_in_force(settings: SettingsWrapper) -> None:
    settings.VAULT_CREDENTIAL_TTL_MAX_DAYS = 10
    settings.VAULT_DOCUMENT_TTL_MAX_HOURS = 96
    assert "10 au plus" in str(CredentialForm().fields["ttl_days"].help_text)
    help_text = str(DocumentForm().fields["ttl_hours"].help_text)
    assert "96 au plus (4 jours)" in help_text
    assert "30 jours" not in help_text


def test_every_register_category_reads_a_row_of_the_table() -> None:
    for category in categories():
        if category.retention_key is not None:
            retention.row(category.retention_key)  # KeyError if unknown
        assert category.retention, category.key
    assert by_key("consents").retention.startswith("5 ans après la fin du consentement")


@pytest.mark.usefixtures("consent_purposes")
def test_the_first_consent_texts_quote_the_table_defaults() -> None:
    """The v1 texts (migration 0004) are a legal record and are not rewritten; they must still
    say what the table says by default."""
    credential = ConsentText.objects.get(purpose__code=PurposeCode.CREDENTIAL, version=1).text
    document = ConsentText.objects.get(purpose__code=PurposeCode.DOCUMENT, version=1).text
    assert f"{retention.row('credential_ttl').default} jours en général" in credential
    assert f"{retention.row('credential_ttl_max').default} jours au plus" in credential
    assert f"{retention.row('document_ttl').default} heures en général" in document
    assert f"{retention.row('document_ttl_max').default // 24} jours au plus" in document
