"""Admin: reference data is edited here; usagers, sessions and ateliers are read-mostly."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mds.admin import ReferenceAdmin
from mds.roles import Role

from .models import (
    Atelier,
    Demarche,
    ForbiddenAct,
    KindOfHelp,
    MediationSession,
    Organisme,
    Origin,
    Outcome,
    RelatedRightCheck,
    RelatedRightRule,
    SocialRight,
    Usager,
)


@admin.register(Organisme)
class OrganismeAdmin(ReferenceAdmin):
    list_display = ("label", "code", "coop_theme", "position", "is_active")
    list_filter = ("is_active", "coop_theme")


@admin.register(KindOfHelp)
class KindOfHelpAdmin(ReferenceAdmin):
    list_display = ("label", "code", "coop_theme", "position", "is_active")
    list_filter = ("is_active", "coop_theme")


@admin.register(Origin)
class OriginAdmin(ReferenceAdmin):
    pass


@admin.register(Outcome)
class OutcomeAdmin(ReferenceAdmin):
    list_display = (
        "label",
        "code",
        "requires_next_appointment",
        "needs_follow_up",
        "position",
        "is_active",
    )


@admin.register(SocialRight)
class SocialRightAdmin(ReferenceAdmin):
    list_display = ("label", "code", "organisme", "position", "is_active")


class ForbiddenActForm(forms.ModelForm[ForbiddenAct]):
    roles = forms.MultipleChoiceField(
        label=_("Interdit pour les rôles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = ForbiddenAct
        fields = (
            "code",
            "label",
            "roles",
            "explanation",
            "suggestion",
            "organisme",
            "kind_of_help",
            "right",
            "min_mode",
            "position",
            "is_active",
        )
        help_texts = {
            "organisme": _(
                "Critères facultatifs : l'acte est refusé automatiquement quand tous les critères "
                "renseignés correspondent à la démarche. Sans critère, il est refusé seulement "
                "si le médiateur le coche."
            ),
        }


@admin.register(ForbiddenAct)
class ForbiddenActAdmin(ReferenceAdmin):
    form = ForbiddenActForm
    list_display = ("label", "roles_display", "organisme", "kind_of_help", "right", "is_active")
    list_editable = ("is_active",)

    @admin.display(description=_("interdit pour"))
    def roles_display(self, obj: ForbiddenAct) -> str:
        return ", ".join(str(Role(role).label) for role in obj.roles or [] if role in Role.values)


@admin.register(RelatedRightRule)
class RelatedRightRuleAdmin(admin.ModelAdmin[RelatedRightRule]):
    list_display = (
        "__str__",
        "organisme",
        "kind_of_help",
        "trigger_right",
        "suggested_right",
        "position",
        "is_active",
    )
    list_editable = ("position", "is_active")
    list_filter = ("is_active", "suggested_right")
    ordering = ("position", "pk")


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """Activity rows are written by the services only: the admin reads them."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DemarcheInline(admin.TabularInline[Demarche, MediationSession]):
    model = Demarche
    extra = 0
    fields = ("organisme", "kind_of_help", "mode_of_help", "right")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RelatedRightCheckInline(admin.TabularInline[RelatedRightCheck, MediationSession]):
    model = RelatedRightCheck
    extra = 0
    fields = ("right", "checked", "checked_at", "checked_by")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MediationSession)
class MediationSessionAdmin(ReadOnlyAdmin):
    list_display = ("date", "mds", "mediator", "usager", "duration_minutes", "origin", "outcome")
    list_filter = ("mds", "origin", "outcome", "date")
    date_hierarchy = "date"
    ordering = ("-date", "-created_at")
    inlines = [DemarcheInline, RelatedRightCheckInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[MediationSession]:
        return (
            super()
            .get_queryset(request)
            .select_related("mds", "mediator", "usager", "origin", "outcome")
        )


@admin.register(Usager)
class UsagerAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "mds", "age_band", "gender", "internet_at_home", "created_at")
    list_filter = ("mds", "age_band", "gender", "internet_at_home")
    ordering = ("-created_at",)


@admin.register(Atelier)
class AtelierAdmin(ReadOnlyAdmin):
    list_display = ("date", "theme", "audience", "mds", "animator", "total")
    list_filter = ("mds", "audience", "date")
    date_hierarchy = "date"
    ordering = ("-date",)
