"""Submission keys are time-ordered (mds.idempotency.new_key): a day's check-ins sit together in
the unique index of the passage table, so inserts and the retention purge touch few pages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from accueil.models import Passage
from mds.idempotency import new_key
from mds.models import MDS, User
from mds.roles import Role


def test_new_keys_are_version_7_and_increase() -> None:
    keys = [new_key() for _ in range(200)]
    assert {key.version for key in keys} == {7}
    assert keys == sorted(keys, key=lambda key: key.int)
    assert len(set(keys)) == len(keys)


@pytest.mark.django_db
def test_the_check_in_form_hands_out_a_time_ordered_key(
    client: Client, member: Callable[..., User], mds_a: MDS
) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    client.force_login(agent)
    page = client.get("/accueil/arrivee/")
    assert page.status_code == 200
    key = page.context["form"].initial["client_token"]
    assert key.version == 7
    assert Passage._meta.get_field("client_token").default is new_key
