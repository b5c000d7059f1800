"""The journal's head (seq, hash) leaves the database: signed log line, DPO page, file."""

from __future__ import annotations

import logging
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from mds.models import User
from mds.roles import Role
from rgpd import journal
from rgpd.crypto import generate_key_spec
from rgpd.models import JournalAction, JournalEntry
from rgpd.tasks import export_journal_head
from tests.rgpd.utils import journal_trigger_disabled

pytestmark = pytest.mark.django_db


def _entries(n: int) -> list[JournalEntry]:
    return [
        journal.record(
            actor=None, action=JournalAction.VIEW_PERSON, target_type="usager", target_id=str(i)
        )
        for i in range(n)
    ]


def test_the_task_logs_the_verified_head_as_a_signed_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    entries = _entries(3)
    with caplog.at_level(logging.INFO, logger="rgpd.journal.head"):
        result = export_journal_head()  # in-process: a thin wrapper over journal.export_head
    assert (result["seq"], result["hash"]) == (entries[-1].seq, entries[-1].hash)
    [logged] = [r.getMessage() for r in caplog.records if r.name == "rgpd.journal.head"]
    assert logged == result["line"]
    head = journal.parse_head_line(logged)
    assert (head.seq, head.hash, head.kid) == (3, entries[-1].hash, "dev")


def test_an_empty_journal_has_a_head_too() -> None:
    head = journal.export_head()
    assert head.seq == 0 and head.hash == "0" * 64


@pytest.mark.parametrize(
    "change",
    [
        lambda line: line.replace("expect=3:", "expect=2:"),
        lambda line: line.replace("kid=dev", "kid=j9"),
        lambda line: line[:-1] + ("0" if line[-1] != "0" else "1"),
        lambda line: line.replace("at=20", "at=19"),
    ],
    ids=["seq", "kid", "signature", "date"],
)
def test_a_modified_head_line_is_refused(change: Callable[[str], str]) -> None:
    _entries(3)
    line = journal.export_head().line()
    with pytest.raises(ValueError):
        journal.parse_head_line(change(line))


def test_a_head_line_signed_with_another_key_is_refused(settings: SettingsWrapper) -> None:
    _entries(1)
    line = journal.export_head().line()
    settings.JOURNAL_KEYS = generate_key_spec("dev")  # same kid, another key
    with pytest.raises(ValueError, match="signature invalide"):
        journal.parse_head_line(line)


def test_a_broken_chain_is_logged_as_an_error_and_its_head_never_signed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    entries = _entries(3)
    with journal_trigger_disabled(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE rgpd_journalentry SET target_id = '9' WHERE id = %s", [entries[1].pk]
        )
    with caplog.at_level(logging.INFO, logger="rgpd.journal.head"):
        with pytest.raises(journal.JournalBrokenError):
            export_journal_head()
        with pytest.raises(CommandError, match="Aucune tête n'est signée"):
            call_command("journal_head", stdout=StringIO())
    assert [r.levelname for r in caplog.records if r.name == "rgpd.journal.head"] == ["ERROR"] * 2
    assert "sig=" not in caplog.text


def test_journal_head_appends_to_a_file_that_verify_journal_reads_back(tmp_path: Path) -> None:
    heads = tmp_path / "tetes-du-journal.txt"
    _entries(2)
    call_command("journal_head", "--output", str(heads), stdout=StringIO())
    _entries(2)
    out = StringIO()
    call_command("journal_head", "--output", str(heads), stdout=out)
    lines = heads.read_text().splitlines()
    assert len(lines) == 2 and lines[1] == out.getvalue().strip()
    for line in lines:
        verified = StringIO()
        call_command("verify_journal", "--expect", line, stdout=verified)
        assert "OK : 4 entrée(s)" in verified.getvalue()


@pytest.mark.parametrize("value", ["3", "3:abc", "x:" + "a" * 64, "MDS-JOURNAL-HEAD garbage"])
def test_verify_journal_refuses_an_unreadable_expectation(value: str) -> None:
    with pytest.raises(CommandError):
        call_command("verify_journal", "--expect", value, stdout=StringIO())


def test_the_dpo_home_shows_the_signed_head_to_keep_outside(
    member: Callable[..., User],
) -> None:
    entries = _entries(2)
    client = Client()
    client.force_login(member(Role.DPO, None))
    page = client.get(reverse("rgpd:home")).content.decode()
    start = page.index('id="journal-head">') + len('id="journal-head">')
    line = page[start : page.index("</code>", start)]
    head = journal.parse_head_line(line)
    assert (head.seq, head.hash) == (entries[-1].seq, entries[-1].hash)


def test_the_dpo_home_shows_no_signed_head_for_a_broken_chain(
    member: Callable[..., User],
) -> None:
    entries = _entries(2)
    with journal_trigger_disabled(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM rgpd_journalentry WHERE id = %s", [entries[0].pk])
    client = Client()
    client.force_login(member(Role.DPO, None))
    page = client.get(reverse("rgpd:home")).content.decode()
    assert "Journal rompu" in page and "journal-head" not in page


@pytest.mark.worker
@pytest.mark.usefixtures("journal_db")
def test_the_head_export_task_runs_on_a_real_worker(celery_worker: str | None) -> None:
    entries = _entries(2)
    result = export_journal_head.delay().get(timeout=30)
    head = journal.parse_head_line(str(result["line"]))
    assert (head.seq, head.hash) == (entries[-1].seq, entries[-1].hash)


def test_the_dpo_home_reports_a_checkpoint_cutting_inside_the_retention(
    member: Callable[..., User],
) -> None:
    entries = _entries(2)
    with journal_trigger_disabled(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO rgpd_journalcheckpoint (created_at, before, last_seq, last_hash, "
            "removed_count) VALUES (now(), now(), %s, %s, 2) RETURNING id",
            [entries[-1].seq, entries[-1].hash],
        )
        (checkpoint_id,) = cursor.fetchone()
        cursor.execute("DELETE FROM rgpd_journalentry")
    journal.record(
        actor=None,
        action=JournalAction.ROTATE_JOURNAL,
        target_type="journal_checkpoint",
        target_id=checkpoint_id,
    )
    client = Client()
    client.force_login(member(Role.DPO, None))
    page = client.get(reverse("rgpd:home")).content.decode()
    assert "Journal rompu : le point de contrôle" in page and "None" not in page
    assert "journal-head" not in page
