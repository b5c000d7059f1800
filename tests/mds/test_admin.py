"""The Django admin as an administrator and a DPO use it: a proper invitation, French labels,
no unused pickers, no bulk delete, the screen-link action, the journal for the DPO only."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.test import Client
from django.urls import reverse

from mds.models import MDS, User
from mds.roles import Role
from mds.services import grant_membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(member: Callable[..., User]) -> tuple[Client, User]:
    administrator = member(Role.ADMIN, first_name="Alice", last_name="Martin")
    client = Client()
    client.force_login(administrator)
    return client, administrator


def newcomer(mds: MDS) -> User:
    user = User.objects.create_user("nouvel.agent@mds.test.fr", first_name="Nadia")
    grant_membership(user=user, role=Role.TRAVAILLEUR_SOCIAL, mds=mds)
    return user


def test_the_inviter_button_sends_an_invitation_that_says_who_where_and_what(
    admin_client: tuple[Client, User], mds_a: MDS, settings: object
) -> None:
    client, administrator = admin_client
    user = newcomer(mds_a)
    page = client.get(reverse("admin:mds_user_change", args=[user.pk])).content.decode()
    assert ">Inviter</button>" in page
    response = client.post(reverse("admin:mds_user_invite", args=[user.pk]))
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvel.agent@mds.test.fr"]
    assert message.subject == "[MDS Connectée] Alice Martin vous invite à rejoindre MDS Connectée"
    body = message.body
    assert "Bonjour Nadia," in body
    assert "Alice Martin vous a créé un compte sur MDS Connectée" in body
    assert "- Travailleur social — MDS A (Malpassé)" in body
    assert "travailleur_social" not in body
    assert "vous pouvez ignorer" not in body
    link = re.search(r"https?://[^/\s]+(/compte/password/reset/key/\S+)", body)
    assert link is not None
    assert "http://testserver/compte/login/" in body
    # the change is in the admin's history of that user
    entry = LogEntry.objects.get(object_id=str(user.pk))
    assert entry.user_id == administrator.pk
    assert "Invitation envoyée" in entry.get_change_message()

    # the person chooses a password, then the page offers to log in
    visitor = Client()
    form_url = visitor.get(link.group(1), follow=True).redirect_chain[-1][0]
    chosen = "Mon-premier-mot-de-passe-13"
    done = visitor.post(form_url, {"password1": chosen, "password2": chosen}, follow=True)
    html = done.content.decode()
    assert "Mot de passe enregistré" in html
    assert f'href="{reverse("account_login")}"' in html
    assert visitor.post(reverse("account_login"), {"login": user.email, "password": chosen})[
        "Location"
    ]


def test_a_get_on_the_invite_url_sends_nothing(
    admin_client: tuple[Client, User], mds_a: MDS
) -> None:
    client, _admin = admin_client
    user = newcomer(mds_a)
    assert client.get(reverse("admin:mds_user_invite", args=[user.pk])).status_code == 403
    assert mail.outbox == []


def test_the_user_page_is_french_and_has_no_unused_pickers(
    admin_client: tuple[Client, User], mds_a: MDS
) -> None:
    client, _admin = admin_client
    user = newcomer(mds_a)
    html = client.get(reverse("admin:mds_user_change", args=[user.pk])).content.decode()
    for hidden in ("id_groups", "id_user_permissions", "id_is_superuser", "id_is_staff"):
        assert hidden not in html
    assert "Statut super-utilisateur" not in html
    assert "Rattachements (rôles dans les MDS)" in html
    listing = unescape(client.get(reverse("admin:mds_user_changelist")).content.decode())
    assert "Travailleur social (MDS A (Malpassé))" in listing
    assert "delete_selected" not in listing
    assert "Envoyer un lien d'invitation" in listing
    assert client.get("/admin/auth/group/").status_code == 404


def test_regenerate_the_screen_link(admin_client: tuple[Client, User], mds_a: MDS) -> None:
    client, _admin = admin_client
    old = mds_a.board_token
    old_url = reverse("accueil:board", kwargs={"token": old})
    assert Client().get(old_url).status_code == 200
    response = client.post(
        reverse("admin:mds_mds_changelist"),
        {"action": "regenerate_board_token", "_selected_action": [mds_a.pk]},
        follow=True,
    )
    assert "Lien de l'écran régénéré pour 1 MDS" in unescape(response.content.decode())
    mds_a.refresh_from_db()
    assert mds_a.board_token != old
    assert Client().get(old_url).status_code == 404
    page = client.get(reverse("admin:mds_mds_change", args=[mds_a.pk])).content.decode()
    assert reverse("accueil:board", kwargs={"token": mds_a.board_token}) in page
    assert (
        "Lien de l'écran régénéré"
        in LogEntry.objects.get(object_id=str(mds_a.pk)).get_change_message()
    )


def test_favicon_answers(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"


def test_the_journal_is_for_the_dpo_not_the_administrator(
    admin_client: tuple[Client, User], member: Callable[..., User]
) -> None:
    client, _admin = admin_client
    url = reverse("admin:rgpd_journalentry_changelist")
    assert client.get(url).status_code == 403
    assert "Journal d'audit" not in client.get(reverse("admin:index")).content.decode()
    dpo = Client()
    dpo.force_login(member(Role.DPO))
    assert dpo.get(url).status_code == 200


def test_library_and_membership_pages_read_french(
    admin_client: tuple[Client, User], member: Callable[..., User], mds_a: MDS
) -> None:
    client, _admin = admin_client
    member(Role.MEDIATEUR, mds_a)  # a TOTP authenticator exists
    index = unescape(client.get(reverse("admin:index")).content.decode())
    assert "Double authentification (TOTP)" in index
    assert "Authenticators" not in index
    totp = unescape(client.get(reverse("admin:mfa_authenticator_changelist")).content.decode())
    for english in ("Created at", "Last used at", ">User<"):
        assert english not in totp
    assert "Dernière utilisation" in totp
    memberships = unescape(client.get(reverse("admin:mds_membership_changelist")).content.decode())
    assert "Médiateur numérique (ME MSN)" in memberships
    assert ">Mds<" not in memberships and "Par mds" not in memberships


def test_the_passage_history_reads_french(
    admin_client: tuple[Client, User], mds_a: MDS, mds_b: MDS
) -> None:
    from tests.accueil.factories import PassageFactory

    client, _admin = admin_client
    passage = PassageFactory(mds=mds_a)
    PassageFactory(mds=mds_b)  # two MDS: the MDS filter is shown
    page = unescape(
        client.get(reverse("admin:accueil_passage_change", args=[passage.pk])).content.decode()
    )
    for english in ("Called by", "Created by", "Handled by", "From status", "To status", "Mds"):
        assert english not in page, english
    assert "Appelé par" in page and "Vers" in page and "MDS A (Malpassé)" in page
    listing = unescape(client.get(reverse("admin:accueil_passage_changelist")).content.decode())
    assert "Par mds" not in listing and "Par MDS" in listing


def test_an_admin_change_is_journaled_without_its_change_message(
    admin_client: tuple[Client, User], mds_a: MDS
) -> None:
    from rgpd.models import JournalAction, JournalEntry

    client, administrator = admin_client
    before = JournalEntry.objects.filter(action=JournalAction.ADMIN_CHANGE).count()
    client.post(
        reverse("admin:mds_mds_changelist"),
        {"action": "regenerate_board_token", "_selected_action": [mds_a.pk]},
    )
    entries = JournalEntry.objects.filter(action=JournalAction.ADMIN_CHANGE)
    assert entries.count() == before + 1
    entry = entries.latest("seq")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (
        administrator.pk,
        "mds",
        str(mds_a.pk),
    )
    # the change message quotes what changed: it stays in the admin history, not the journal
    assert "régénéré" not in " ".join(str(v) for v in entry.__dict__.values())
