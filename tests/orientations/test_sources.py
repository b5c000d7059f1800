"""Where a referral comes from (session, passage, person, a social worker toward the mediator),
the home-page panel, and the sessions a social worker sees through an accepted referral."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import time_machine
from django.test import Client, RequestFactory

from accompagnement.models import Usager
from accompagnement.selectors import sessions_visible_to
from mds.models import MDS, User
from mds.roles import Role
from orientations import selectors, services
from orientations.home import referral_panel
from orientations.models import Referral, State
from tests.accompagnement.factories import MediationSessionFactory
from tests.orientations.conftest import PARIS

pytestmark = pytest.mark.django_db
APPOINTMENT = dt.datetime(2026, 5, 12, 14, 0, tzinfo=PARIS)


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_form_is_prefilled_from_a_person_and_a_session(mediator: User, mds_a: MDS) -> None:
    usager = Usager.objects.create(mds=mds_a, display_name="Samira")
    session = MediationSessionFactory(mds=mds_a, usager=usager, mediator=mediator)
    body = (
        login(mediator)
        .get(f"/orientations/nouvelle/?usager={usager.pk}&origin_session={session.pk}")
        .content.decode()
    )
    assert "Orienter Samira" in body
    assert f'name="origin_session" value="{session.pk}"' in body


def test_the_form_takes_the_alias_of_a_passage(mds_a: MDS) -> None:
    import uuid

    from accueil.models import Motive
    from accueil.services import check_in
    from tests.factories import make_member

    desk = make_member(Role.ACCUEIL, mds_a)
    passage = check_in(
        agent=desk,
        mds=mds_a,
        motive=Motive.objects.first(),  # type: ignore[arg-type]
        client_token=uuid.uuid4(),
        alias="Karim",
    ).passage
    body = login(desk).get(f"/orientations/nouvelle/?origin_passage={passage.pk}").content.decode()
    assert 'value="Karim"' in body


def test_a_social_worker_refers_toward_the_mediator(
    social: User, mediator: User, mds_a: MDS
) -> None:
    from tests.orientations.conftest import reason

    referral = services.send_referral(
        actor=social,
        mds=mds_a,
        reason_category=reason("demarche_en_ligne"),
        consent_given=True,
        pseudonym="Mme B.",
        target_role=Role.MEDIATEUR,
    )
    assert selectors.inbox(user=mediator, mds=mds_a).get() == referral
    assert not selectors.inbox(user=social, mds=mds_a).exists()


def test_the_home_panel_shows_counts_and_never_a_name(
    send: Callable[..., Referral], mediator: User, social: User
) -> None:
    send(pseudonym="Samira")
    request = RequestFactory().get("/")
    request.user = social
    request.session = {}  # type: ignore[assignment]
    html = referral_panel(request)
    assert "1 à prendre pour votre rôle" in html and "Samira" not in html
    request.user = mediator
    html = referral_panel(request)
    assert "envoyée 1" in html and "Samira" not in html


def test_sessions_open_with_an_accepted_referral_and_close_after_the_delay(
    send: Callable[..., Referral], social: User, other_social: User, mediator: User, mds_a: MDS
) -> None:
    usager = Usager.objects.create(mds=mds_a, display_name="Samira")
    session = MediationSessionFactory(mds=mds_a, usager=usager, mediator=mediator)
    other = MediationSessionFactory(
        mds=mds_a, usager=Usager.objects.create(mds=mds_a, display_name="X"), mediator=mediator
    )
    referral = send(usager=usager, pseudonym="", target_role="", recipient=social)
    # the sessions-visibility selector of accompagnement, with orientations' registered branch
    seen = lambda user: list(sessions_visible_to(user))  # noqa: E731
    assert seen(social) == []  # sent, not accepted
    referral = services.accept_referral(
        actor=social, referral=referral, appointment_at=APPOINTMENT, appointment_place="B3"
    )
    assert seen(social) == [session] and other not in seen(social)
    assert seen(other_social) == []
    closed_at = dt.datetime(2026, 5, 20, 10, 0, tzinfo=PARIS)
    with time_machine.travel(closed_at, tick=False):
        services.close_referral(actor=social, referral=referral, outcome="Fait.")
    assert seen(social) == [session]
    with time_machine.travel(closed_at + dt.timedelta(days=29), tick=False):
        assert seen(social) == [session]
    with time_machine.travel(closed_at + dt.timedelta(days=31), tick=False):
        assert seen(social) == []
    assert Referral.objects.get(pk=referral.pk).state == State.CLOSED


def test_the_recipient_reads_the_persons_sessions_on_the_referral_page_journaled(
    send: Callable[..., Referral], social: User, mediator: User, mds_a: MDS
) -> None:
    from rgpd.models import JournalAction, JournalEntry

    usager = Usager.objects.create(mds=mds_a, display_name="Samira")
    MediationSessionFactory(mds=mds_a, usager=usager, mediator=mediator)
    referral = send(usager=usager, pseudonym="", target_role="", recipient=social)
    client = login(social)
    assert "person-session" not in client.get(f"/orientations/{referral.pk}/").content.decode()
    services.accept_referral(
        actor=social, referral=referral, appointment_at=APPOINTMENT, appointment_place="B3"
    )
    body = client.get(f"/orientations/{referral.pk}/").content.decode()
    assert body.count("person-session") == 1
    assert (
        JournalEntry.objects.filter(
            action=JournalAction.VIEW_PERSON, target_id=str(usager.pk), actor=social
        ).count()
        == 1
    )


def test_save_and_orient_from_the_session_form(mediator: User, mds_a: MDS) -> None:
    from accompagnement.models import MediationSession
    from tests.accompagnement.test_forms_and_admin import _post

    usager = Usager.objects.create(mds=mds_a, display_name="Samira")
    client = login(mediator)
    page = client.get(f"/mediation/accompagnement/?usager={usager.pk}").content.decode()
    assert "Enregistrer et orienter" in page
    data = _post(date="2026-05-06", usager=str(usager.pk), next="/orientations/nouvelle/")
    response = client.post("/mediation/accompagnement/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    session = MediationSession.objects.get()
    assert response["Location"] == (
        f"/orientations/nouvelle/?origin_session={session.pk}&usager={usager.pk}"
    )
    assert "Orienter Samira" in client.get(response["Location"]).content.decode()
    # an outside address is never followed
    data = _post(date="2026-05-06", usager=str(usager.pk), next="https://evil.example/")
    response = client.post("/mediation/accompagnement/", data)
    assert response["Location"] == f"/mediation/usagers/{usager.pk}/"


def test_orient_links_on_the_person_page_the_passage_page_and_the_home_panel(
    mediator: User, mds_a: MDS
) -> None:
    usager = Usager.objects.create(mds=mds_a, display_name="Samira")
    client = login(mediator)
    person = client.get(f"/mediation/usagers/{usager.pk}/").content.decode()
    assert f"/orientations/nouvelle/?usager={usager.pk}" in person
    home = client.get("/mediation/").content.decode()
    assert "orientations-panel" in home and "Mes orientations envoyées" in home


def test_the_social_workers_home_is_the_inbox(social: User) -> None:
    response = login(social).get("/")
    assert response["Location"] == "/orientations/"
    body = login(social).get("/orientations/").content.decode()
    assert "Orientations reçues" in body and "Bientôt" not in body


def test_orient_from_the_passage_page(mds_a: MDS) -> None:
    import uuid

    from accueil.models import Motive
    from accueil.services import check_in
    from tests.factories import make_member

    desk = make_member(Role.ACCUEIL, mds_a)
    passage = check_in(
        agent=desk,
        mds=mds_a,
        motive=Motive.objects.first(),  # type: ignore[arg-type]
        client_token=uuid.uuid4(),
        alias="Karim",
    ).passage
    page = login(desk).get(f"/accueil/passage/{passage.pk}/").content.decode()
    assert f"/orientations/nouvelle/?origin_passage={passage.pk}" in page
