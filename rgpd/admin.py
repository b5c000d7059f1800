"""Admin: the audit journal and its checkpoints, read-only for everyone (even superusers)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mds.admin import ReferenceAdmin
from mds.permissions import has_role
from mds.roles import Role

from .models import Consent, ConsentPurpose, ConsentText, JournalCheckpoint, JournalEntry


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    """No add, change or delete: the journal is append-only (see rgpd.journal)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DpoOnlyAdmin(ReadOnlyAdmin):
    """Who looked at whom is read by the DPO only, not by every administrator (issue 12): an
    administrator is the Département's superuser, so the role is checked here, not a permission."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_role(request.user, Role.DPO)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return has_role(request.user, Role.DPO)


@admin.register(JournalEntry)
class JournalEntryAdmin(DpoOnlyAdmin):
    list_display = (
        "seq",
        "created_at",
        "actor",
        "action",
        "target_type",
        "target_id",
        "reason",
        "mds",
    )
    list_filter = ("action", "reason", "mds", "target_type")
    search_fields = ("target_id", "actor__email")
    date_hierarchy = "created_at"
    list_select_related = ("actor", "mds")
    readonly_fields = (
        "seq",
        "created_at",
        "actor",
        "action",
        "target_type",
        "target_id",
        "reason",
        "mds",
        "prev_hash",
        "hash",
    )
    show_full_result_count = False  # the journal grows large: no COUNT(*) on every page


@admin.register(JournalCheckpoint)
class JournalCheckpointAdmin(DpoOnlyAdmin):
    list_display = ("last_seq", "created_at", "before", "removed_count", "last_hash")
    readonly_fields = ("created_at", "before", "last_seq", "last_hash", "removed_count")


@admin.register(ConsentPurpose)
class ConsentPurposeAdmin(ReferenceAdmin):
    list_display = ("label", "code", "default_validity_days", "position", "is_active")


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin[ConsentText]):
    """A new wording is a new version: a text already shown to someone never changes."""

    list_display = ("purpose", "version", "created_at", "sha256")
    list_filter = ("purpose",)
    readonly_fields = ("sha256", "created_at")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and Consent.objects.filter(text=obj).exists():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
