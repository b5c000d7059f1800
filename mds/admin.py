"""Django admin for sites, accounts and roles. Only admin/DPO roles reach the admin at all."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
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
    extra = 0


@admin.register(MDS)
class MDSAdmin(admin.ModelAdmin[MDS]):
    list_display = ("name", "code", "is_active")
    search_fields = ("name", "code")
    inlines = [OpeningPeriodInline]


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0
    fk_name = "user"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_active", "is_staff")
    list_filter = ("is_active", "is_staff", "memberships__role", "memberships__mds")
    search_fields = ("email", "first_name", "last_name")
    inlines = [MembershipInline]
    actions = ["invite"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Identité"), {"fields": ("first_name", "last_name")}),
        (
            _("Accès"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "first_name", "last_name")}),
    )
    readonly_fields = ("last_login", "date_joined")

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
        sent = 0
        for user in queryset.filter(is_active=True):
            services.send_invitation(user=user, request=request)
            sent += 1
        self.message_user(
            request, _("%(n)d invitation(s) envoyée(s).") % {"n": sent}, messages.SUCCESS
        )


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

    list_display = ("user", "role", "mds", "is_active")
    list_filter = ("role", "mds", "is_active")
    search_fields = ("user__email", "user__last_name")
    autocomplete_fields = ("user",)
