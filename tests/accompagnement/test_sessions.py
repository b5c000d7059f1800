"""log_session: the rules of a mediation session, and double submits."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accompagnement.models import (
    AgeBand,
    Demarche,
    ForbiddenAct,
    KindOfHelp,
    MediationSession,
    ModeOfHelp,
    Outcome,
)
from accompagnement.services.common import DemarcheInput
from accompagnement.services.sessions import log_session
from mds.models import MDS, User
from mds.roles import Role
from tests.accompagnement.factories import (
    UsagerFactory,
    demarche,
    ref,
    session_kwargs,
)
from tests.factories import make_member

pytestmark = pytest.mark.django_db


def _codes(excinfo: pytest.ExceptionInfo[ValidationError], field: str) -> list[str | None]:
    return [error.code for error in excinfo.value.error_dict[field]]


def _messages(excinfo: pytest.ExceptionInfo[ValidationError], field: str) -> str:
    return " ".join(excinfo.value.message_dict[field])


def test_session_with_several_demarches_is_saved(mediator: User, mds_a: MDS) -> None:
    usager = UsagerFactory(mds=mds_a, age_band=AgeBand.FROM_60_TO_69)
    session = log_session(
        mediator=mediator,
        mds=mds_a,
        **session_kwargs(
            usager=usager.pk,
            age_band="",
            file_number="  SNE-13-2025-001 ",
            demarches=[
                demarche("demarche_en_ligne", ModeOfHelp.FAIRE_AVEC, "logement_social"),
                demarche("creation_email", ModeOfHelp.FORMER_A_FAIRE, None),
                demarche("numerisation_pieces", ModeOfHelp.FAIRE_FAIRE, "logement_social"),
            ],
        ),
    )
    assert session.mds == mds_a and session.mediator == mediator
    assert session.usager == usager
    assert session.age_band == AgeBand.FROM_60_TO_69  # copied from the usager for statistics
    assert session.file_number == "SNE-13-2025-001"
    demarches = list(session.demarches.all())
    assert [d.kind_of_help.code for d in demarches] == [
        "demarche_en_ligne",
        "creation_email",
        "numerisation_pieces",
    ]
    assert demarches[1].organisme is None
    assert demarches[0].coop_themes() == ["aide_aux_demarches_administratives", "logement"]


def test_anonymous_session_needs_an_age_band(mediator: User, mds_a: MDS) -> None:
    with pytest.raises(ValidationError) as excinfo:
        log_session(mediator=mediator, mds=mds_a, **session_kwargs(age_band=""))
    assert _codes(excinfo, "age_band") == ["anonymous_age_band"]
    session = log_session(mediator=mediator, mds=mds_a, **session_kwargs(age_band=AgeBand.FROM_70))
    assert session.is_anonymous and session.age_band == AgeBand.FROM_70


def test_faire_pour_without_reason_nor_consent_is_refused(mediator: User, mds_a: MDS) -> None:
    kwargs = session_kwargs(demarches=[demarche("demarche_en_ligne", ModeOfHelp.FAIRE_POUR)])
    with pytest.raises(ValidationError) as excinfo:
        log_session(mediator=mediator, mds=mds_a, **kwargs)
    assert _codes(excinfo, "faire_pour_reason") == ["faire_pour_reason_required"]
    assert _codes(excinfo, "consent_recorded") == ["faire_pour_consent_required"]
    assert "consentement" in _messages(excinfo, "consent_recorded")
    assert MediationSession.objects.count() == 0


def test_faire_pour_with_reason_but_no_consent_is_refused(mediator: User, mds_a: MDS) -> None:
    kwargs = session_kwargs(
        demarches=[demarche("demarche_en_ligne", ModeOfHelp.FAIRE_POUR)],
        faire_pour_reason="Ne sait pas lire",
    )
    with pytest.raises(ValidationError) as excinfo:
        log_session(mediator=mediator, mds=mds_a, **kwargs)
    assert set(excinfo.value.error_dict) == {"consent_recorded"}


def test_faire_pour_with_reason_and_consent_is_saved(mediator: User, mds_a: MDS) -> None:
    session = log_session(
        mediator=mediator,
        mds=mds_a,
        **session_kwargs(
            demarches=[demarche("demarche_en_ligne", ModeOfHelp.FAIRE_POUR, "cpam")],
            faire_pour_reason="Ne sait ni lire ni écrire le français",
            consent_recorded=True,
        ),
    )
    assert session.consent_recorded
    assert session.faire_pour_reason == "Ne sait ni lire ni écrire le français"


def test_paying_with_the_persons_card_is_refused_for_a_mediator(mediator: User, mds_a: MDS) -> None:
    kwargs = session_kwargs(
        demarches=[demarche("paiement_en_ligne", ModeOfHelp.FAIRE_POUR, "banque")],
        faire_pour_reason="Urgence",
        consent_recorded=True,
    )
    with pytest.raises(ValidationError) as excinfo:
        log_session(mediator=mediator, mds=mds_a, **kwargs)
    assert _codes(excinfo, "demarches") == ["forbidden_act"]
    message = _messages(excinfo, "demarches")
    assert "Démarche n° 1" in message
    assert "Utiliser la carte bancaire de la personne" in message
    assert "Médiateur numérique" in message
    assert "orientez vers un travailleur social" in message
    assert MediationSession.objects.count() == 0


def test_online_payment_done_by_the_person_is_allowed(mediator: User, mds_a: MDS) -> None:
    session = log_session(
        mediator=mediator,
        mds=mds_a,
        **session_kwargs(demarches=[demarche("paiement_en_ligne", ModeOfHelp.FAIRE_FAIRE)]),
    )
    assert session.demarches.get().kind_of_help.code == "paiement_en_ligne"


def test_rsa_quarterly_declaration_at_the_caf_is_refused_in_faire_pour(
    mediator: User, mds_a: MDS
) -> None:
    kwargs = session_kwargs(
        demarches=[demarche("demarche_en_ligne", ModeOfHelp.FAIRE_POUR, "caf", right="rsa")],
        faire_pour_reason="Pas d'accès à son compte",
        consent_recorded=True,
    )
    with pytest.raises(ValidationError) as excinfo:
        log_session(mediator=mediator, mds=mds_a, **kwargs)
    message = _messages(excinfo, "demarches")
    assert "déclaration trimestrielle RSA" in message
    assert "référent RSA" in message


def test_declared_professional_software_access_is_refused(mediator: User, mds_a: MDS) -> None:
    kwargs = session_kwargs(
        demarches=[demarche(declared=("logiciels_professionnels",))],
    )
    with pytest.raises(ValidationError) as excinfo:
        log_session(mediator=mediator, mds=mds_a, **kwargs)
    assert "Accéder aux logiciels professionnels" in _messages(excinfo, "demarches")


def test_forbidden_act_is_allowed_when_the_reference_data_allows_the_role(
    mediator: User, mds_a: MDS
) -> None:
    # The admin decides the act is only forbidden to the accueil role: the mediator may do it.
    ForbiddenAct.objects.filter(code="carte_bancaire").update(roles=[Role.ACCUEIL])
    act = ref(ForbiddenAct, "carte_bancaire")
    assert act.is_forbidden_for(Role.ACCUEIL) and not act.is_forbidden_for(Role.MEDIATEUR)
    session = log_session(
        mediator=mediator,
        mds=mds_a,
        **session_kwargs(
            demarches=[
                demarche(
                    "paiement_en_ligne",
                    ModeOfHelp.FAIRE_POUR,
                    "banque",
                    declared=("carte_bancaire",),
                )
            ],
            faire_pour_reason="Handicap visuel",
            consent_recorded=True,
        ),
    )
    assert list(session.demarches.get().declared_acts.values_list("code", flat=True)) == [
        "carte_bancaire"
    ]


def test_inactive_forbidden_act_no_longer_refuses(mediator: User, mds_a: MDS) -> None:
    kwargs = {
        "demarches": [demarche("paiement_en_ligne", ModeOfHelp.FAIRE_POUR, "banque")],
        "faire_pour_reason": "Handicap visuel",
        "consent_recorded": True,
    }
    with pytest.raises(ValidationError) as refused:  # active: this démarche hits the act
        log_session(mediator=mediator, mds=mds_a, **session_kwargs(**kwargs))
    assert "forbidden_act" in str(refused.value.error_dict["demarches"][0].code)
    ForbiddenAct.objects.filter(code="carte_bancaire").update(is_active=False)
    session = log_session(mediator=mediator, mds=mds_a, **session_kwargs(**kwargs))
    assert MediationSession.objects.filter(pk=session.pk).exists()
    assert session.demarches.get().mode_of_help == ModeOfHelp.FAIRE_POUR


@pytest.mark.parametrize("minutes", [0, -15, 481, 24 * 60])
def test_absurd_durations_are_refused(mediator: User, mds_a: MDS, minutes: int) -> None:
    with pytest.raises(ValidationError) as excinfo:
        log_session(mediator=mediator, mds=mds_a, **session_kwargs(duration_minutes=minutes))
    assert _codes(excinfo, "duration_minutes") == ["duration_range"]
    assert "8 heures" in _messages(excinfo, "duration_minutes")


@pytest.mark.parametrize("minutes", [1, 15, 120, 480])
def test_durations_from_one_minute_to_eight_hours_are_accepted(
    mediator: User, mds_a: MDS, minutes: int
) -> None:
    session = log_session(mediator=mediator, mds=mds_a, **session_kwargs(duration_minutes=minutes))
    assert session.duration_minutes == minutes


def test_session_date_in_the_future_is_refused(mediator: User, mds_a: MDS, today: dt.date) -> None:
    with pytest.raises(ValidationError) as excinfo:
        log_session(
            mediator=mediator,
            mds=mds_a,
            **session_kwargs(date=today + dt.timedelta(days=1)),
        )
    assert _codes(excinfo, "date") == ["date_in_future"]
    assert "prochain rendez-vous" in _messages(excinfo, "date")


def test_session_date_more_than_a_year_ago_is_refused(
    mediator: User, mds_a: MDS, today: dt.date
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        log_session(mediator=mediator, mds=mds_a, **session_kwargs(date=dt.date(2000, 1, 1)))
    assert _codes(excinfo, "date") == ["date_too_old"]


def test_next_appointment_is_required_to_continue(
    mediator: User, mds_a: MDS, today: dt.date
) -> None:
    outcome = ref(Outcome, "a_poursuivre").pk
    with pytest.raises(ValidationError) as excinfo:
        log_session(mediator=mediator, mds=mds_a, **session_kwargs(outcome=outcome))
    assert _codes(excinfo, "next_appointment") == ["next_appointment_required"]
    session = log_session(
        mediator=mediator,
        mds=mds_a,
        **session_kwargs(outcome=outcome, next_appointment=today + dt.timedelta(days=7)),
    )
    assert session.next_appointment == dt.date(2025, 3, 19)


def test_next_appointment_before_the_session_is_refused(
    mediator: User, mds_a: MDS, today: dt.date
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        log_session(
            mediator=mediator,
            mds=mds_a,
            **session_kwargs(next_appointment=today - dt.timedelta(days=1)),
        )
    assert _codes(excinfo, "next_appointment") == ["next_before_date"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("origin", 999_999), ("outcome", 999_999), ("usager", 999_999), ("origin", "abc")],
)
def test_unknown_reference_ids_are_refused(
    mediator: User, mds_a: MDS, field: str, value: object
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        log_session(mediator=mediator, mds=mds_a, **session_kwargs(**{field: value}))
    assert _codes(excinfo, field) == ["unknown_reference"]


def test_unknown_demarche_reference_ids_are_refused(mediator: User, mds_a: MDS) -> None:
    bad = DemarcheInput(kind_of_help=999_999, mode_of_help=9, organisme=999_998)
    with pytest.raises(ValidationError) as excinfo:
        log_session(mediator=mediator, mds=mds_a, **session_kwargs(demarches=[bad]))
    message = _messages(excinfo, "demarches")
    assert "type d'aide inconnu" in message
    assert "organisme inconnu" in message
    assert "mode d'aide inconnu" in message
    assert set(_codes(excinfo, "demarches")) == {"unknown_reference"}


def test_inactive_reference_is_refused(mediator: User, mds_a: MDS) -> None:
    KindOfHelp.objects.filter(code="impression").update(is_active=False)
    with pytest.raises(ValidationError) as excinfo:
        log_session(
            mediator=mediator,
            mds=mds_a,
            **session_kwargs(demarches=[demarche("impression", organisme=None)]),
        )
    assert _codes(excinfo, "demarches") == ["unknown_reference"]


def test_usager_of_another_mds_is_refused(mediator: User, mds_a: MDS, mds_b: MDS) -> None:
    other = UsagerFactory(mds=mds_b)
    with pytest.raises(ValidationError) as excinfo:
        log_session(mediator=mediator, mds=mds_a, **session_kwargs(usager=other.pk))
    assert _codes(excinfo, "usager") == ["unknown_reference"]


def test_session_without_demarche_is_refused(mediator: User, mds_a: MDS) -> None:
    with pytest.raises(ValidationError) as excinfo:
        log_session(mediator=mediator, mds=mds_a, **session_kwargs(demarches=[]))
    assert _codes(excinfo, "demarches") == ["no_demarche"]


def test_overlong_file_number_is_refused(mediator: User, mds_a: MDS) -> None:
    with pytest.raises(ValidationError) as excinfo:
        log_session(mediator=mediator, mds=mds_a, **session_kwargs(file_number="9" * 61))
    assert _codes(excinfo, "file_number") == ["too_long"]


def test_html_in_free_text_is_stored_as_text(mediator: User, mds_a: MDS) -> None:
    session = log_session(
        mediator=mediator,
        mds=mds_a,
        **session_kwargs(file_number="<script>alert(1)</script>"),
    )
    session.refresh_from_db()
    assert session.file_number == "<script>alert(1)</script>"  # templates escape on output


def test_double_submit_returns_the_same_session(mediator: User, mds_a: MDS) -> None:
    kwargs = session_kwargs(
        demarches=[demarche(), demarche("impression", ModeOfHelp.LAISSER_FAIRE, None)]
    )
    first = log_session(mediator=mediator, mds=mds_a, **kwargs)
    second = log_session(mediator=mediator, mds=mds_a, **kwargs)
    assert second.pk == first.pk
    assert MediationSession.objects.count() == 1
    assert Demarche.objects.count() == 2


def test_idempotency_key_of_another_mediator_is_refused(mediator: User, mds_a: MDS) -> None:
    key = uuid.uuid4()
    log_session(mediator=mediator, mds=mds_a, **session_kwargs(idempotency_key=key))
    colleague = make_member(Role.MEDIATEUR, mds_a)
    with pytest.raises(ValidationError) as excinfo:
        log_session(mediator=colleague, mds=mds_a, **session_kwargs(idempotency_key=key))
    assert excinfo.value.code == "idempotency_conflict"


@pytest.mark.parametrize("role", [Role.ACCUEIL, Role.TRAVAILLEUR_SOCIAL, Role.DIRECTION])
def test_only_a_mediator_of_that_mds_logs_a_session(mds_a: MDS, today: dt.date, role: str) -> None:
    user = make_member(role, mds_a)
    with pytest.raises(PermissionDenied):
        log_session(mediator=user, mds=mds_a, **session_kwargs())


def test_mediator_cannot_log_in_another_mds(mediator: User, mds_b: MDS) -> None:
    with pytest.raises(PermissionDenied):
        log_session(mediator=mediator, mds=mds_b, **session_kwargs())


def test_all_errors_are_reported_at_once(mediator: User, mds_a: MDS, today: dt.date) -> None:
    with pytest.raises(ValidationError) as excinfo:
        log_session(
            mediator=mediator,
            mds=mds_a,
            **session_kwargs(
                duration_minutes=0,
                date=today + dt.timedelta(days=2),
                demarches=[demarche(mode=ModeOfHelp.FAIRE_POUR)],
            ),
        )
    assert {"duration_minutes", "date", "faire_pour_reason", "consent_recorded"} <= set(
        excinfo.value.error_dict
    )


def test_a_new_session_for_the_usager_closes_open_follow_ups(
    mediator: User, mds_a: MDS, today: dt.date
) -> None:
    usager = UsagerFactory(mds=mds_a)
    first = log_session(
        mediator=mediator,
        mds=mds_a,
        **session_kwargs(
            usager=usager.pk,
            date=today - dt.timedelta(days=7),
            outcome=ref(Outcome, "a_poursuivre").pk,
            next_appointment=today,
        ),
    )
    assert not first.follow_up_done
    log_session(mediator=mediator, mds=mds_a, **session_kwargs(usager=usager.pk))
    first.refresh_from_db()
    assert first.follow_up_done and first.follow_up_done_at is not None
