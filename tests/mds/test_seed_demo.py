"""seed_demo: two MDS, one account per role, idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from mds.models import MDS, Membership, User
from mds.roles import Role


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_covers_every_role(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_PASSWORD", "Demo-mot-de-passe-1")
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=out)
    assert MDS.objects.count() == 2
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.count() == Membership.objects.count()
    assert "Demo-mot-de-passe-1" in out.getvalue()
    assert User.objects.get(email="accueil@malpasse.demo.fr").check_password("Demo-mot-de-passe-1")
