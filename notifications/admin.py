"""Receipts in the admin (admin/DPO): what was sent, failed or skipped, and why. Read-only, and
without the person or the message: the masked address and the reason are enough to act."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Receipt


@admin.register(Receipt)
class ReceiptAdmin(admin.ModelAdmin[Receipt]):
    list_display = (
        "created_at",
        "kind",
        "channel",
        "mds",
        "to_masked",
        "status",
        "attempts",
        "error",
    )
    list_filter = ("status", "kind", "channel", "mds")
    fields = (
        "created_at",
        "kind",
        "channel",
        "mds",
        "language",
        "to_masked",
        "status",
        "attempts",
        "error",
        "sent_at",
    )
    readonly_fields = fields
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
