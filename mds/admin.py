"""Django admin for sites, accounts and roles. Only admin/DPO roles reach the admin at all.

Choices written down here (issue 12, "Administration"):
- no bulk deletion anywhere (``delete_selected`` is disabled site-wide): a person's data is
  erased through the DPO's rights pages, which anonymise and journal; reference rows are
  deactivated, never deleted;
- Django's groups and per-user permissions are not used (roles are memberships): their pickers
  and the superuser/staff flags are hidden, the flags follow the roles (``sync_admin_flags``);
- every change made in the admin is written to Django's admin log (``LogEntry``, the
  "Historique" of each object), the custom actions below included;
- the audit journal of consultations is read by the DPO only (see ``rgpd/admin.py``).
"""

from __future__ import annotations

import json
from typing import Any

from allauth.mfa.models import Authenticator
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import InlineAdminFormSet
from django.contrib.admin.options import BaseModelAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import services
from .models import MDS, Membership, OpeningPeriod, User
from .permissions import has_role
from .roles import ADMIN_SITE_ROLES


def _admin_has_permission(request: HttpRequest) -> bool:
    user = request.user
    # The active admin/DPO role is the key: is_staff or is_superuser alone open nothing, so a
    # revoked administrator (membership removed or deactivated) is out at once.
    return bool(user.is_active and user.is_staff and has_role(user, *ADMIN_SITE_ROLES))


admin.site.has_permission = _admin_has_permission  # type: ignore[method-assign]


# --- Accessibility and French wording of every admin form, in one place -----------------------
# Editable lists and tabular inlines render inputs without a <label> (the column header names
# them visually): axe reports "label" / "select-name". Every form field the admin builds gets an
# aria-label from its model field's French verbose name, unless it already has one.
_formfield_for_dbfield = BaseModelAdmin.formfield_for_dbfield


def _labelled_formfield(self: Any, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
    formfield = _formfield_for_dbfield(self, db_field, request, **kwargs)
    if formfield is not None and "aria-label" not in formfield.widget.attrs:
        formfield.widget.attrs["aria-label"] = capfirst(
            str(formfield.label or db_field.verbose_name)
        )
    return formfield


BaseModelAdmin.formfield_for_dbfield = _labelled_formfield  # type: ignore[method-assign]

_inline_formset_data = InlineAdminFormSet.inline_formset_data


def _french_inline_formset_data(self: InlineAdminFormSet) -> str:
    """Django's French "Ajouter un objet X supplémentaire" reads badly: "Ajouter : X"."""
    data = json.loads(_inline_formset_data(self))
    data["options"]["addText"] = str(_("Ajouter : %(name)s")) % {
        "name": capfirst(str(self.opts.verbose_name))
    }
    return json.dumps(data)


InlineAdminFormSet.inline_formset_data = _french_inline_formset_data  # type: ignore[method-assign]


class LabelledInlineFormSet(BaseInlineFormSet[Any, Any, Any]):
    """The "Supprimer" checkbox of each inline row gets an accessible name too."""

    def add_fields(self, form: Any, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = str(_("Supprimer cette ligne"))


admin.site.disable_action("delete_selected")
admin.site.unregister(Group)


# typed as variable-length tuples so that subclasses may list more columns
_REFERENCE_DISPLAY: tuple[str, ...] = ("label", "code", "position", "is_active")
_REFERENCE_EDITABLE: tuple[str, ...] = ("position", "is_active")
_REFERENCE_FILTER: tuple[str, ...] = ("is_active",)


class ReferenceAdmin(admin.ModelAdmin[Any]):
    """Every reference list (see ``mds.models.ReferenceItem``): order and "proposé" editable from
    the list; the code, read by the application, is fixed once created; no deletion."""

    list_display = _REFERENCE_DISPLAY
    list_editable = _REFERENCE_EDITABLE
    list_filter = _REFERENCE_FILTER
    search_fields = ("label", "code")
    ordering = ("position", "label")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("code",) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Rows are referenced by history: deactivate them ("proposé") instead of deleting.
        return False


class OpeningPeriodInline(admin.TabularInline[OpeningPeriod, MDS]):
    model = OpeningPeriod
    formset = LabelledInlineFormSet
    extra = 0


@admin.register(MDS)
class MDSAdmin(admin.ModelAdmin[MDS]):
    list_display = ("name", "code", "is_active")
    search_fields = ("name", "code")
    inlines = [OpeningPeriodInline]
    readonly_fields = ("board_link",)
    exclude = ("board_token",)
    actions = ["regenerate_board_token"]

    @admin.display(description=_("adresse de l'écran de la salle d'attente"))
    def board_link(self, obj: MDS) -> str:
        if obj.pk is None:
            return str(_("Elle sera créée à l'enregistrement."))
        return reverse("accueil:board", kwargs={"token": obj.board_token})

    @admin.action(description=_("Régénérer le lien de l'écran"))
    def regenerate_board_token(self, request: HttpRequest, queryset: QuerySet[MDS]) -> None:
        for site in queryset:
            services.regenerate_board_token(mds=site)
            self.log_change(request, site, str(_("Lien de l'écran régénéré")))
        self.message_user(
            request,
            _(
                "Lien de l'écran régénéré pour %(n)d MDS : l'ancienne adresse ne fonctionne "
                "plus, ouvrez la nouvelle sur l'écran de la salle d'attente."
            )
            % {"n": len(queryset)},
            messages.SUCCESS,
        )


class MembershipForm(forms.ModelForm[Membership]):
    class Meta:
        model = Membership
        fields = ("user", "role", "mds", "is_active")
        labels = {
            "user": _("utilisateur"),
            "role": _("rôle"),
            "mds": _("MDS"),
            "is_active": _("actif"),
        }


class MDSFilter(admin.RelatedFieldListFilter):
    """The MDS filter, titled in French (the foreign key has no verbose name)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.title = str(_("MDS"))


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    form = MembershipForm
    formset = LabelledInlineFormSet
    extra = 0
    fk_name = "user"
    verbose_name = _("rattachement (rôle dans une MDS)")
    verbose_name_plural = _("rattachements (rôles dans les MDS)")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "roles", "is_active")
    list_filter = ("is_active", "memberships__role", ("memberships__mds", MDSFilter))
    search_fields = ("email", "first_name", "last_name")
    inlines = [MembershipInline]
    actions = ["invite"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name")}),
        (_("Accès"), {"fields": ("is_active",)}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "first_name", "last_name")}),
    )
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ()
    change_form_template = "admin/mds/user/change_form.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("memberships__mds")

    @admin.display(description=_("rôles"))
    def roles(self, obj: User) -> str:
        return ", ".join(
            f"{m.get_role_display()} ({m.mds.name})" if m.mds else m.get_role_display()
            for m in obj.memberships.all()
            if m.is_active
        )

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<path:object_id>/inviter/",
                self.admin_site.admin_view(self.invite_view),
                name="mds_user_invite",
            ),
            *super().get_urls(),
        ]

    def invite_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The "Inviter" button of the user page (POST only)."""
        user = get_object_or_404(User, pk=object_id)
        if request.method != "POST" or not self.has_change_permission(request, user):
            raise PermissionDenied
        self._invite(request, user)
        return redirect("admin:mds_user_change", user.pk)

    def _invite(self, request: HttpRequest, user: User) -> bool:
        if not user.is_active:
            self.message_user(
                request,
                _("%(email)s est désactivé : pas d'invitation.") % {"email": user.email},
                messages.WARNING,
            )
            return False
        inviter = request.user if isinstance(request.user, User) else None
        services.send_invitation(user=user, request=request, invited_by=inviter)
        self.log_change(request, user, str(_("Invitation envoyée")))
        self.message_user(
            request,
            _("Invitation envoyée à %(email)s.") % {"email": user.email},
            messages.SUCCESS,
        )
        return True

    def get_form(self, request, obj=None, **kwargs):  # type: ignore[no-untyped-def]
        if obj is None:
            # Accounts are created without a password: the person sets it through the invitation.
            from django import forms

            class AddUserForm(forms.ModelForm[User]):
                class Meta:
                    model = User
                    fields = ("email", "first_name", "last_name")

                def save(self, commit: bool = True) -> User:
                    user = super().save(commit=False)
                    user.email = user.email.lower()
                    user.set_unusable_password()
                    if commit:
                        user.save()
                    return user

            kwargs["form"] = AddUserForm
        return super().get_form(request, obj, **kwargs)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # roles edited inline: the admin-site flags follow them (a revoked admin loses them)
        services.sync_admin_flags(user=form.instance)

    @admin.action(description=_("Envoyer un lien d'invitation (choix du mot de passe)"))
    def invite(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            self._invite(request, user)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin[Membership]):
    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.sync_admin_flags(user=obj.user)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        super().delete_model(request, obj)
        services.sync_admin_flags(user=obj.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        users = list(User.objects.filter(memberships__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for user in users:
            services.sync_admin_flags(user=user)

    form = MembershipForm
    fields = ("user", "role", "mds", "is_active")
    list_display = ("user", "role", "site", "is_active")
    list_filter = ("role", ("mds", MDSFilter), "is_active")
    list_select_related = ("user", "mds")

    @admin.display(description=_("MDS"), ordering="mds__name")
    def site(self, obj: Membership) -> str:
        return obj.mds.name if obj.mds else str(_("toutes (rôle départemental)"))

    search_fields = ("user__email", "user__last_name")
    # a plain <select>: the select2 autocomplete has no accessible name when empty (axe)


# --- Second factor (allauth): French columns, no secret shown -----------------------------------
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin[Authenticator]):
    """Deleting a person's authenticator is how the administrator resets a lost phone; the
    secret itself (``data``) is never shown."""

    list_display = ("owner", "kind", "created", "last_used")
    list_filter = ("type",)
    search_fields = ("user__email",)
    fields = ("owner", "kind", "created", "last_used")
    readonly_fields = fields
    list_select_related = ("user",)

    @admin.display(description=_("utilisateur"), ordering="user__email")
    def owner(self, obj: Authenticator) -> str:
        return str(obj.user)

    @admin.display(description=_("type"), ordering="type")
    def kind(self, obj: Authenticator) -> str:
        return str(obj.get_type_display())

    @admin.display(description=_("créé le"), ordering="created_at")
    def created(self, obj: Authenticator) -> Any:
        return obj.created_at

    @admin.display(description=_("dernière utilisation"), ordering="last_used_at")
    def last_used(self, obj: Authenticator) -> Any:
        return obj.last_used_at

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


#: Names of the admin index for models of libraries whose verbose names are English.
FRENCH_MODEL_NAMES: dict[str, str] = {
    "Authenticator": str(_("Double authentification (TOTP)")),
}
_get_app_list = admin.site.get_app_list


def _french_app_list(request: HttpRequest, app_label: str | None = None) -> list[Any]:
    apps = _get_app_list(request, app_label)
    for app in apps:
        for model in app["models"]:
            model["name"] = FRENCH_MODEL_NAMES.get(model["object_name"], model["name"])
    return apps


admin.site.get_app_list = _french_app_list  # type: ignore[method-assign]
