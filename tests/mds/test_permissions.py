"""The permission module: a user of MDS A sees nothing of MDS B; departmental roles see all."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from mds.models import MDS, Membership, User
from mds.permissions import access_for, can_act_in, has_role, scope, visible_mds
from mds.roles import Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_scope_keeps_only_rows_of_the_users_mds(
    member: Callable[..., User], mds_a: MDS, mds_b: MDS
) -> None:
    agent_a = member(Role.ACCUEIL, mds_a)
    member(Role.MEDIATEUR, mds_b)
    rows = scope(Membership.objects.all(), agent_a)
    assert {m.mds_id for m in rows} == {mds_a.pk}
    assert list(visible_mds(agent_a)) == [mds_a]
    assert not can_act_in(agent_a, mds_b.pk)
    assert can_act_in(agent_a, mds_a.pk)


def test_scope_is_empty_for_a_role_the_user_does_not_have(
    member: Callable[..., User], mds_a: MDS
) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    assert not scope(Membership.objects.all(), agent, Role.MEDIATEUR).exists()


def test_scope_is_empty_without_any_membership(mds_a: MDS) -> None:
    MembershipFactory(mds=mds_a)
    nobody = UserFactory()
    assert not scope(Membership.objects.all(), nobody).exists()
    assert not visible_mds(nobody).exists()


def test_departmental_direction_sees_every_mds(
    member: Callable[..., User], mds_a: MDS, mds_b: MDS
) -> None:
    member(Role.ACCUEIL, mds_a)
    member(Role.ACCUEIL, mds_b)
    director = member(Role.DIRECTION_DEPARTEMENTALE, None)
    assert {m.mds_id for m in scope(Membership.objects.exclude(mds=None), director)} == {
        mds_a.pk,
        mds_b.pk,
    }


def test_an_inactive_membership_or_closed_mds_gives_nothing(
    member: Callable[..., User], mds_a: MDS, mds_b: MDS
) -> None:
    agent = member(Role.ACCUEIL, mds_a)
    Membership.objects.filter(user=agent).update(is_active=False)
    agent = User.objects.get(pk=agent.pk)
    assert not has_role(agent, Role.ACCUEIL)
    other = member(Role.ACCUEIL, mds_b)
    MDS.objects.filter(pk=mds_b.pk).update(is_active=False)
    other = User.objects.get(pk=other.pk)
    assert access_for(other).mds_ids([Role.ACCUEIL]) == frozenset()


def test_team_page_of_mds_a_shows_nobody_of_mds_b(
    member: Callable[..., User], mds_a: MDS, mds_b: MDS
) -> None:
    agent_a = member(Role.ACCUEIL, mds_a, first_name="Alice", last_name="Amont")
    member(Role.MEDIATEUR, mds_b, first_name="Bruno", last_name="Bertin")
    client = Client()
    client.force_login(agent_a)
    html = client.get(reverse("mds:team")).content.decode()
    assert "Alice Amont" in html
    assert "Bertin" not in html
    assert "MDS B" not in html


def test_choosing_another_mds_is_refused_with_a_message(
    member: Callable[..., User], mds_a: MDS, mds_b: MDS
) -> None:
    agent_a = member(Role.ACCUEIL, mds_a)
    client = Client()
    client.force_login(agent_a)
    response = client.post(reverse("mds:choose_mds"), {"mds": mds_b.pk}, follow=True)
    assert "ne vous est pas accessible" in response.content.decode()
    assert client.session.get("current_mds_id") is None
    response = client.post(reverse("mds:choose_mds"), {"mds": "abc"}, follow=True)
    assert response.status_code == 200


def test_a_user_in_two_mds_can_switch_between_them(
    member: Callable[..., User], mds_a: MDS, mds_b: MDS
) -> None:
    from mds.services import grant_membership

    agent = member(Role.ACCUEIL, mds_a)
    grant_membership(user=agent, role=Role.ACCUEIL, mds=mds_b)
    client = Client()
    client.force_login(agent)
    client.post(reverse("mds:choose_mds"), {"mds": mds_b.pk})
    assert client.session["current_mds_id"] == mds_b.pk
    html = client.get(reverse("mds:team")).content.decode()
    assert "Équipe — MDS B" in html


def test_membership_constraint_refuses_a_site_role_without_mds(db: None) -> None:
    from django.db import IntegrityError, transaction

    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, role=Role.ACCUEIL, mds=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=user, role=Role.DPO, mds=MDS.objects.create(name="X", code="x")
        )
