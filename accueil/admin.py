"""Accueil in the admin: reference lists are edited here; passages are read-only history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mds.admin import MDSFilter, ReferenceAdmin

from .models import Desk, Language, Motive, Passage, PassageEvent


@admin.register(Motive)
class MotiveAdmin(ReferenceAdmin):
    list_display = ("label", "code", "pictogram", "routes_to", "position", "is_active")


@admin.register(Language)
class LanguageAdmin(ReferenceAdmin):
    pass


@admin.register(Desk)
class DeskAdmin(ReferenceAdmin):
    """Desks of each MDS and their names on the waiting-room screen in English and Arabic."""

    list_display = ("label", "label_en", "label_ar", "site", "position", "is_active")
    list_editable = ("label_en", "label_ar", "position", "is_active")
    list_filter = ("mds", "is_active")
    list_select_related = ("mds",)
    fields = ("mds", "label", "label_en", "label_ar", "code", "position", "is_active")

    @admin.display(description=_("MDS"), ordering="mds__name")
    def site(self, obj: Desk) -> str:
        return obj.mds.name

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # the MDS and the code are fixed once created (history and exports read them)
        return ("mds", "code") if obj is not None else ()


class PassageEventInline(admin.TabularInline[PassageEvent, Passage]):
    model = PassageEvent
    extra = 0
    can_delete = False
    fields = ("from_label", "to_label", "at_label", "by_label", "note_label")
    readonly_fields = fields

    @admin.display(description=_("de"))
    def from_label(self, obj: PassageEvent) -> str:
        return obj.get_from_status_display() or "—"

    @admin.display(description=_("vers"))
    def to_label(self, obj: PassageEvent) -> str:
        return obj.get_to_status_display()

    @admin.display(description=_("le"))
    def at_label(self, obj: PassageEvent) -> Any:
        return obj.at

    @admin.display(description=_("par"))
    def by_label(self, obj: PassageEvent) -> str:
        return str(obj.by) if obj.by_id else "—"

    @admin.display(description=_("note"))
    def note_label(self, obj: PassageEvent) -> str:
        return obj.note

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Passage)
class PassageAdmin(admin.ModelAdmin[Passage]):
    """History of the front desk; changes go through the accueil screens (services)."""

    list_display = ("__str__", "site", "motive", "status", "priority", "arrived_at")
    list_filter = (("mds", MDSFilter), "status", "motive", "outside_opening_hours")
    # French labels for the fields whose model field has no verbose name
    fields = (
        "site",
        "day",
        "ticket_number",
        "arrived_at",
        "motive",
        "alias",
        "has_appointment",
        "appointment_with",
        "priority",
        "language",
        "oriented_to",
        "status",
        "desk",
        "called_at",
        "started_at",
        "ended_at",
        "called_by_label",
        "handled_by_label",
        "partner",
        "cancel_reason",
        "outside_opening_hours",
        "created_by_label",
    )
    readonly_fields = fields

    @admin.display(description=_("MDS"), ordering="mds__name")
    def site(self, obj: Passage) -> str:
        return obj.mds.name

    @admin.display(description=_("appelé par"))
    def called_by_label(self, obj: Passage) -> str:
        return str(obj.called_by) if obj.called_by_id else "—"

    @admin.display(description=_("reçu par"))
    def handled_by_label(self, obj: Passage) -> str:
        return str(obj.handled_by) if obj.handled_by_id else "—"

    @admin.display(description=_("enregistré par"))
    def created_by_label(self, obj: Passage) -> str:
        return str(obj.created_by) if obj.created_by_id else "—"

    date_hierarchy = "arrived_at"
    inlines = [PassageEventInline]
    list_select_related = ("mds", "motive")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
