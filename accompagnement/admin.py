"""Admin: reference data is edited here; usagers, sessions and ateliers are read-mostly."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from mds.admin import ReferenceAdmin
from mds.roles import Role

from .models import (
    ForbiddenAct,
    KindOfHelp,
    Organisme,
    Origin,
    Outcome,
    RelatedRightRule,
    SocialRight,
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


# Usagers, sessions and ateliers are NOT in the admin: people's records are read through the
# mediation pages (scoped by MDS, reads journaled) and the DPO's pages, never unjournaled here.
