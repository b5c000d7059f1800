"""Droits connexes: suggestions from the rule table, saved with the session, checked by hand."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from accompagnement.models import KindOfHelp, Organisme, RelatedRightRule, SocialRight
from accompagnement.services.rules import (
    RightSuggestion,
    mark_right_checked,
    suggest_related_rights,
)
from accompagnement.services.sessions import log_session
from mds.models import MDS, User
from mds.roles import Role
from tests.accompagnement.factories import demarche, ref, session_kwargs
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def _codes(suggestions: list[RightSuggestion]) -> list[str]:
    return [s.right.code for s in suggestions]


def test_rsa_suggests_css_and_prime_activite() -> None:
    suggestions = suggest_related_rights([demarche(right="rsa")])
    assert _codes(suggestions) == ["css", "prime_activite"]
    assert all(s.note for s in suggestions)


def test_apl_suggests_fsl_and_aah_suggests_css_and_cmi_once_each() -> None:
    suggestions = suggest_related_rights(
        [demarche(right="apl"), demarche(right="aah"), demarche(right="rsa")]
    )
    assert _codes(suggestions) == ["fsl", "css", "cmi", "prime_activite"]
    assert [s.demarche_index for s in suggestions] == [0, 1, 1, 2]


def test_a_right_already_handled_in_the_session_is_not_suggested() -> None:
    suggestions = suggest_related_rights(
        [demarche(right="rsa"), demarche(organisme="cpam", right="css")]
    )
    assert _codes(suggestions) == ["prime_activite"]


def test_no_suggestion_without_a_matching_rule() -> None:
    assert suggest_related_rights([demarche("impression", organisme=None)]) == []


def test_rules_on_organisme_and_kind_are_editable_and_inactive_rules_are_ignored() -> None:
    RelatedRightRule.objects.create(
        organisme=ref(Organisme, "mdph"),
        kind_of_help=ref(KindOfHelp, "demarche_en_ligne"),
        suggested_right=ref(SocialRight, "aah"),
        note="Demande MDPH : penser à l'AAH.",
    )
    assert _codes(suggest_related_rights([demarche(organisme="mdph")])) == ["aah"]
    assert suggest_related_rights([demarche("impression", organisme="mdph")]) == []
    RelatedRightRule.objects.update(is_active=False)
    assert suggest_related_rights([demarche(right="rsa")]) == []


def test_logged_session_keeps_suggestions_the_mediator_marks_checked(
    mediator: User, mds_a: MDS
) -> None:
    session = log_session(
        mediator=mediator, mds=mds_a, **session_kwargs(demarches=[demarche(right="rsa")])
    )
    checks = list(session.right_checks.order_by("pk"))
    assert [c.right.code for c in checks] == ["css", "prime_activite"]
    assert not any(c.checked for c in checks)

    mark_right_checked(check=checks[0], user=mediator)
    checks[0].refresh_from_db()
    assert checks[0].checked and checks[0].checked_by == mediator
    assert checks[0].checked_at is not None

    mark_right_checked(check=checks[0], user=mediator, checked=False)
    checks[0].refresh_from_db()
    assert not checks[0].checked and checks[0].checked_by is None


def test_only_a_mediator_of_the_mds_marks_a_right_checked(
    mediator: User, mds_a: MDS, mds_b: MDS
) -> None:
    session = log_session(
        mediator=mediator, mds=mds_a, **session_kwargs(demarches=[demarche(right="rsa")])
    )
    check = session.right_checks.first()
    assert check is not None
    for outsider in (make_member(Role.MEDIATEUR, mds_b), make_member(Role.ACCUEIL, mds_a)):
        with pytest.raises(PermissionDenied):
            mark_right_checked(check=check, user=outsider)
