"""The purge: expired or unconsented secrets are shredded and the purge journaled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from accompagnement.models import Usager
from mds.models import MDS, User
from mds.roles import Role
from rgpd.models import (
    JournalAction,
    JournalEntry,
    Secret,
)
from rgpd.services import purge
from rgpd.tasks import purge_expired_secrets
from tests.accompagnement.factories import UsagerFactory
from tests.rgpd.factories import make_credential, make_document

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


def test_purge_shreds_expired_and_unconsented_secrets_and_journals_it(usager: Usager) -> None:
    expired = make_credential(usager)
    Secret.objects.filter(pk=expired.secret_id).update(
        created_at=timezone.now() - dt.timedelta(days=9),
        expires_at=timezone.now() - dt.timedelta(minutes=1),
    )
    orphan = make_document(usager)
    orphan.consent.__class__.objects.filter(pk=orphan.consent_id).update(
        withdrawn_at=timezone.now()
    )
    alive = make_credential(usager)
    report = purge.purge_expired_secrets()
    assert (report.expired, report.without_consent) == (1, 1)
    for item in (expired, orphan):
        secret = Secret.objects.get(pk=item.secret_id)
        assert secret.is_shredded and not bytes(secret.payload)
    assert not Secret.objects.get(pk=alive.secret_id).is_shredded
    assert _last(JournalAction.PURGE_EXPIRED).target_id == "2"
    assert purge.purge_expired_secrets().total == 0  # idempotent


def test_purge_task_calls_the_service(usager: Usager) -> None:
    assert purge_expired_secrets.apply().get() == {
        "expired": 0,
        "without_consent": 0,
        "signatures": 0,
    }
