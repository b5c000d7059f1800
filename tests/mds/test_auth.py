"""Login, logout, password reset, invitations, MFA enforcement, rate limits, admin protection."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.test import Client
from django.urls import reverse

from mds.models import MDS, User
from mds.roles import Role
from tests.factories import PASSWORD, UserFactory, give_totp

pytestmark = pytest.mark.django_db

LOGIN = "/compte/login/"


def _login(client: Client, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(LOGIN, {"login": email, "password": password})


def _current_code(secret: str) -> str:
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_login_by_email_lands_on_the_role_home(member: Callable[..., User]) -> None:
    agent = member(Role.SECRETARIAT)
    client = Client()
    response = _login(client, agent.email.upper())  # e-mail is case-insensitive
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response["Location"] == reverse("accueil:desk")


def test_wrong_password_and_unknown_email_get_the_same_french_message(
    member: Callable[..., User],
) -> None:
    agent = member(Role.ACCUEIL)
    for email, password in ((agent.email, "mauvais-mot-de-passe"), ("inconnu@mds.test.fr", "x")):
        response = _login(Client(), email, password)
        assert response.status_code == 200
        html = response.content.decode()
        assert "L’adresse e-mail ou le mot de passe sont incorrects." in html
        assert 'role="alert"' in html


def test_empty_login_form_is_explained_in_french(db: None) -> None:
    response = _login(Client(), "", "")
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()


def test_logout_is_a_post_and_ends_the_session(member: Callable[..., User]) -> None:
    client = Client()
    client.force_login(member(Role.ACCUEIL))
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert client.get(reverse("accueil:home")).status_code == 302


def test_no_public_sign_up(db: None) -> None:
    response = Client().post(
        reverse("account_signup"),
        {"email": "pirate@exemple.fr", "password1": "Zz-123456789!", "password2": "Zz-123456789!"},
    )
    assert not User.objects.filter(email="pirate@exemple.fr").exists()
    assert "les inscriptions sont actuellement fermées" in response.content.decode()


def _reset_link() -> str:
    assert len(mail.outbox) == 1
    match = re.search(r"https?://[^/\s]+(/compte/password/reset/key/\S+)", mail.outbox[0].body)
    assert match, mail.outbox[0].body
    return match.group(1)


def test_password_reset_by_email_sets_a_new_password(member: Callable[..., User]) -> None:
    agent = member(Role.ACCUEIL)
    client = Client()
    client.post(reverse("account_reset_password"), {"email": agent.email})
    link = _reset_link()
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    new = "Nouveau-mot-de-passe-2026"
    response = client.post(form_url, {"password1": new, "password2": new})
    assert response.status_code == 302
    assert _login(Client(), agent.email, new).status_code == 302


def test_reset_for_an_unknown_email_sends_nothing_and_says_the_same(db: None) -> None:
    response = Client().post(reverse("account_reset_password"), {"email": "personne@exemple.fr"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_an_invalid_or_expired_reset_link_is_explained_in_french(
    member: Callable[..., User],
) -> None:
    agent = member(Role.ACCUEIL)
    client = Client()
    client.post(reverse("account_reset_password"), {"email": agent.email})
    link = _reset_link()
    tampered = re.sub(r"/key/([^/]+)-[^/]+/", r"/key/\1-aaaaaa-bbbbbbbbbbbb/", link)
    response = client.get(tampered, follow=True)
    assert response.status_code == 200
    assert "invalide" in response.content.decode()


def test_invitation_lets_a_new_account_choose_its_password(
    member: Callable[..., User], mds_a: MDS, rf: object
) -> None:
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.test import RequestFactory

    from mds.services import grant_membership, send_invitation

    newcomer = User.objects.create_user("nouvelle@mds.test.fr")
    assert not newcomer.has_usable_password()
    grant_membership(user=newcomer, role=Role.ACCUEIL, mds=mds_a)
    request = RequestFactory().get("/")
    request.session = {}  # type: ignore[attr-defined]
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    send_invitation(user=newcomer, request=request)
    link = _reset_link()
    client = Client()
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    chosen = "Mon-premier-mot-de-passe-13"
    assert client.post(form_url, {"password1": chosen, "password2": chosen}).status_code == 302
    client = Client()
    response = _login(client, newcomer.email, chosen)
    assert client.get(response["Location"])["Location"] == reverse("accueil:home")


def test_a_user_without_membership_gets_a_clear_page_not_an_error(db: None) -> None:
    user = UserFactory()
    client = Client()
    response = _login(client, user.email)
    response = client.get(response["Location"])
    assert response.status_code == 403
    assert "rattaché à aucune MDS" in response.content.decode()


@pytest.mark.parametrize(
    "role", [Role.MEDIATEUR, Role.DIRECTION, Role.DIRECTION_DEPARTEMENTALE, Role.ADMIN, Role.DPO]
)
def test_mfa_is_enforced_for_sensitive_roles_with_one_password_entry(
    role: str, member: Callable[..., User]
) -> None:
    user = member(role, with_totp=False)
    client = Client()
    _login(client, user.email)
    # Every page sends them to the TOTP set-up, straight away: the password typed at login
    # counts as recent, allauth's "Confirmer l'accès" is not shown a second time.
    for url in (reverse("home"), reverse("mds:team"), "/admin/"):
        response = client.get(url, follow=True)
        assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
        assert "double authentification" in response.content.decode()
    secret = response.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": _current_code(secret)})
    # On the way home: the recovery codes, with a way on to the work page.
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert len(page.context["unused_codes"]) == 10
    assert page.context["unused_codes"][0] in html
    assert f'href="{reverse("home")}"' in html
    assert f'href="{reverse("mfa_download_recovery_codes")}"' in html
    download = client.get(reverse("mfa_download_recovery_codes"))
    assert download.status_code == 200
    assert page.context["unused_codes"][0] in download.content.decode()
    assert client.get(reverse("home"))["Location"] != reverse("mfa_activate_totp")


def test_two_factor_pages_ask_the_password_again_once_the_login_is_old(
    member: Callable[..., User],
) -> None:
    user = member(Role.MEDIATEUR, with_totp=False)
    client = Client()
    with time_machine.travel("2026-03-02 09:00 +0100", tick=False):
        _login(client, user.email)
        assert client.get(reverse("mfa_activate_totp")).status_code == 200
    with time_machine.travel("2026-03-02 09:05:01 +0100", tick=False):
        response = client.get(reverse("mfa_activate_totp"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_reauthenticate"))
        response = client.post(response["Location"], {"password": PASSWORD})
        assert response["Location"] == reverse("mfa_activate_totp")
        assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_a_fresh_login_does_not_unlock_the_vault_without_re_authentication(
    member: Callable[..., User],
) -> None:
    from allauth.account.internal.flows.reauthentication import did_recently_reauthenticate

    mediator = member(Role.MEDIATEUR, with_totp=False)
    secret = give_totp(mediator)
    client = Client()
    _login(client, mediator.email)
    client.post(reverse("mfa_authenticate"), {"code": _current_code(secret)})
    request = client.get(reverse("my_account")).wsgi_request
    assert request.user == mediator
    assert not did_recently_reauthenticate(request)


def test_my_account_page_shows_who_where_and_the_security_links(
    member: Callable[..., User], mds_a: MDS
) -> None:
    mediator = member(Role.MEDIATEUR, first_name="Nadia", last_name="Benali")
    client = Client()
    client.force_login(mediator)
    response = client.get(reverse("my_account"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nadia Benali" in html and mds_a.name in html and "Médiateur" in html
    for name in ("account_change_password", "mfa_index", "account_logout"):
        assert f'"{reverse(name)}"' in html
    assert "Activée (application TOTP)" in html
    assert response["Cache-Control"].startswith("max-age=0")
    # The name in the header opens this page, not the two-factor page.
    home = client.get(reverse("mds:team")).content.decode()
    assert f'href="{reverse("my_account")}"' in home
    assert f'href="{reverse("mfa_index")}"' not in home


def test_my_account_page_is_reachable_before_the_totp_set_up(member: Callable[..., User]) -> None:
    director = member(Role.DIRECTION, with_totp=False)
    client = Client()
    client.force_login(director)
    response = client.get(reverse("my_account"))
    assert response.status_code == 200
    assert "votre rôle l'exige" in response.content.decode()
    assert client.get("/compte/mon-compte/").status_code == 200
    assert Client().get(reverse("my_account"))["Location"].startswith(LOGIN)


@pytest.mark.parametrize("role", [Role.ACCUEIL, Role.SECRETARIAT, Role.TRAVAILLEUR_SOCIAL])
def test_mfa_is_offered_not_forced_to_other_roles(role: str, member: Callable[..., User]) -> None:
    client = Client()
    client.force_login(member(role, with_totp=False))
    assert client.get(reverse("home"))["Location"] != reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_index")).status_code == 200


def test_login_with_totp_asks_for_the_code_then_lands_home(member: Callable[..., User]) -> None:
    director = member(Role.DIRECTION, with_totp=False)
    secret = give_totp(director)
    client = Client()
    response = _login(client, director.email)
    assert response["Location"] == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert "code" in response.content.decode().lower()
    response = client.post(reverse("mfa_authenticate"), {"code": _current_code(secret)})
    assert response.status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse("pilotage:home")


def test_five_failed_logins_lock_the_account_for_a_while(member: Callable[..., User]) -> None:
    agent = member(Role.ACCUEIL)
    client = Client()
    for i in range(5):
        assert _login(client, agent.email, f"faux-{i}").status_code == 200
    response = _login(client, agent.email)  # even the right password is refused for now
    assert response.status_code == 200
    assert "Trop de tentatives de connexion échouées" in response.content.decode()


def test_too_many_login_posts_from_one_address_answer_429(db: None) -> None:
    client = Client()
    statuses = [_login(client, f"inconnu{i}@mds.test.fr", "faux").status_code for i in range(65)]
    assert statuses[0] == 200
    assert statuses[-1] == 429
    response = _login(client, "encore@mds.test.fr", "faux")
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()


def test_admin_login_goes_through_allauth(db: None) -> None:
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_admin_site_needs_the_admin_role_not_just_is_staff(member: Callable[..., User]) -> None:
    mediator = member(Role.MEDIATEUR)
    User.objects.filter(pk=mediator.pk).update(is_staff=True)
    client = Client()
    client.force_login(mediator)
    assert client.get("/admin/").status_code == 302
    admin = member(Role.ADMIN)
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/mds/user/").status_code == 200
