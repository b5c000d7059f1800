"""The journal is read-only in the admin, and read by the DPO only (not the administrator)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from mds.models import User
from rgpd.models import JournalCheckpoint, JournalEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [JournalEntry, JournalCheckpoint])
def test_nobody_can_add_change_or_delete_journal_rows_in_the_admin(model: type) -> None:
    superuser: User = UserFactory(is_staff=True, is_superuser=True)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    model_admin = admin.site._registry[model]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    # who looked at whom is for the DPO: not even the administrator (superuser) reads it
    assert not model_admin.has_view_permission(request)
    assert not model_admin.has_module_permission(request)


@pytest.mark.parametrize("model", [JournalEntry, JournalCheckpoint])
def test_the_dpo_reads_the_journal_in_the_admin(model: type) -> None:
    from tests.factories import make_member

    dpo = make_member("dpo", None)
    request = RequestFactory().get("/admin/")
    request.user = dpo
    model_admin = admin.site._registry[model]
    assert model_admin.has_view_permission(request)
    assert model_admin.has_module_permission(request)
