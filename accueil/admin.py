"""Accueil in the admin: reference lists are edited here; passages are read-only history."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mds.admin import ReferenceAdmin

from .models import Language, Motive, Passage, PassageEvent


@admin.register(Motive)
class MotiveAdmin(ReferenceAdmin):
    list_display = ("label", "code", "pictogram", "routes_to", "position", "is_active")


@admin.register(Language)
class LanguageAdmin(ReferenceAdmin):
    pass


class PassageEventInline(admin.TabularInline[PassageEvent, Passage]):
    model = PassageEvent
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "at", "by", "note")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Passage)
class PassageAdmin(admin.ModelAdmin[Passage]):
    """History of the front desk; changes go through the accueil screens (services)."""

    list_display = ("__str__", "mds", "motive", "status", "priority", "arrived_at")
    list_filter = ("mds", "status", "motive", "outside_opening_hours")
    date_hierarchy = "arrived_at"
    inlines = [PassageEventInline]
    list_select_related = ("mds", "motive")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
