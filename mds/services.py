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
    if role in ADMIN_SITE_ROLES:
        # The admin site also checks the role (see mds.admin); is_staff alone opens nothing.
        # The administrator role is the Département's superuser (behind mandatory MFA); the DPO
        # gets the read permissions listed in DPO_PERMISSIONS.
        user.is_staff = True
        if role == Role.ADMIN:
            user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
        if role == Role.DPO:
            user.user_permissions.add(*_permissions(DPO_PERMISSIONS))
    forget_access(user)
    return membership


def send_invitation(*, user: User, request: HttpRequest) -> None:
    """Email the user a link to choose their password (allauth's reset flow, same protections)."""
    from allauth.account.forms import ResetPasswordForm
    from allauth.core import context

    form = ResetPasswordForm(data={"email": user.email})
    # allauth builds the link from the request it keeps in a context variable (set by its
    # middleware on normal requests); set it here so the service also works from the admin/shell.
    with context.request_context(request):
        if form.is_valid():
            form.save(request)
