"""Reads are journaled too."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from accompagnement.models import Usager
from mds.models import MDS, User
from mds.roles import Role
from rgpd.models import (
    JournalAction,
    JournalEntry,
)
from rgpd.selectors.reads import journal_read
from tests.accompagnement.factories import UsagerFactory

pytestmark = pytest.mark.usefixtures("consent_purposes")


@pytest.fixture
def mediator(member: Callable[..., User]) -> User:
    return member(Role.MEDIATEUR)


@pytest.fixture
def usager(mds_a: MDS) -> Usager:
    return UsagerFactory(mds=mds_a, display_name="Fatima")


def _last(action: str) -> JournalEntry:
    entry = JournalEntry.objects.filter(action=action).order_by("-seq").first()
    assert entry is not None, action
    return entry


def test_journal_read_records_who_viewed_the_person(mediator: User, usager: Usager) -> None:
    journal_read(actor=mediator, target=usager)
    entry = _last(JournalAction.VIEW_PERSON)
    assert (entry.target_type, entry.target_id, entry.mds_id) == (
        "usager",
        str(usager.pk),
        usager.mds_id,
    )


def test_a_model_nobody_registered_cannot_be_journaled_as_a_read(mediator: User) -> None:
    with pytest.raises(LookupError, match="register_read_action"):
        journal_read(actor=mediator, target=mediator)
