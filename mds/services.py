"""Writes of the project package that carry a rule: accounts, memberships, invitations."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.db import transaction
from django.http import HttpRequest

from .models import MDS, Membership, User
from .permissions import forget_access
from .roles import ADMIN_SITE_ROLES, DEPARTMENTAL_ROLES, Role

#: What the DPO may see in the admin ("app_label.codename"). Later issues add the journal, etc.
DPO_PERMISSIONS: tuple[str, ...] = (
    "mds.view_user",
    "mds.view_membership",
    "mds.view_mds",
    "rgpd.view_journalentry",
    "rgpd.view_journalcheckpoint",
    "rgpd.view_consentpurpose",
    "rgpd.change_consentpurpose",
    "rgpd.view_consenttext",
    "rgpd.add_consenttext",
)


def _permissions(names: tuple[str, ...]) -> list[Permission]:
    wanted = [name.split(".", 1) for name in names]
    found = Permission.objects.filter(
        content_type__app_label__in={app for app, _ in wanted},
        codename__in={codename for _, codename in wanted},
    )
    return list(found)


@transaction.atomic
def grant_membership(*, user: User, role: str, mds: MDS | None) -> Membership:
    """Give ``user`` ``role`` in ``mds`` (``None`` for departmental roles). Idempotent."""
    if role in DEPARTMENTAL_ROLES:
        mds = None
    membership, created = Membership.objects.get_or_create(user=user, mds=mds, role=role)
    if not created and not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    sync_admin_flags(user=user)
    return membership


@transaction.atomic
def sync_admin_flags(*, user: User) -> None:
    """Align the admin-site flags with the user's active roles (after any membership change).

    The admin site checks the role itself (see mds.admin), so the flags only give what Django
    needs inside it: the administrator is the Département's superuser (behind mandatory MFA);
    the DPO gets the read permissions in DPO_PERMISSIONS; without those roles, neither flag.
    """
    forget_access(user)
    roles = set(Membership.objects.filter(user=user, is_active=True).values_list("role", flat=True))
    is_staff = bool(roles & ADMIN_SITE_ROLES)
    is_superuser = Role.ADMIN in roles
    if (user.is_staff, user.is_superuser) != (is_staff, is_superuser):
        user.is_staff, user.is_superuser = is_staff, is_superuser
        user.save(update_fields=["is_staff", "is_superuser"])
    dpo_permissions = _permissions(DPO_PERMISSIONS)
    if Role.DPO in roles:
        user.user_permissions.add(*dpo_permissions)
    else:
        user.user_permissions.remove(*dpo_permissions)
    forget_access(user)


@transaction.atomic
def regenerate_board_token(*, mds: MDS) -> str:
    """A new secret address for the waiting-room screen; the old one stops working at once."""
    from .models import _new_board_token

    mds.board_token = _new_board_token()
    mds.save(update_fields=["board_token"])
    return mds.board_token


def send_invitation(*, user: User, request: HttpRequest, invited_by: User | None = None) -> None:
    """Email ``user`` an invitation: who invites, to which MDS and role, the site's name, and a
    link to choose a password (allauth's reset key: same expiry and one-time use as "mot de passe
    oublié"); the page shown after the password is set links to the login page."""
    from allauth.account import app_settings as account_settings
    from allauth.account.adapter import get_adapter
    from allauth.account.utils import user_pk_to_url_str
    from allauth.core import context
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse

    current = getattr(request, "user", None)
    if invited_by is None and isinstance(current, User):
        invited_by = current
    token = account_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    key = f"{user_pk_to_url_str(user)}-{token}"
    # allauth builds the link from the request it keeps in a context variable (set by its
    # middleware on normal requests); set it here so the service also works from the admin/shell.
    with context.request_context(request):
        url = get_adapter(request).get_reset_password_from_key_url(key)
    memberships = [
        (m.get_role_display(), m.mds.name if m.mds else "toutes les MDS du Département")
        for m in user.memberships.filter(is_active=True).select_related("mds").order_by("role")
    ]
    values = {
        "user": user,
        "inviter": (invited_by.get_full_name() or invited_by.email) if invited_by else "",
        "memberships": memberships,
        "site_name": settings.SITE_NAME,
        "invitation_url": url,
        "login_url": request.build_absolute_uri(reverse("account_login")),
    }
    subject = render_to_string("account/email/invitation_subject.txt", values).strip()
    body = render_to_string("account/email/invitation_message.txt", values)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
