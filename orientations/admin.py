"""Admin: reference lists, per-MDS delays and the partner directory. Referrals themselves are
not in the admin (personal data): they are read through the app's pages, which journal reads."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from mds.admin import ReferenceAdmin

from .models import DeclineReason, Need, Partner, Permanence, ReasonCategory, ReferralSettings


@admin.register(ReasonCategory, Need, DeclineReason)
class OrientationReferenceAdmin(ReferenceAdmin):
    pass


@admin.register(ReferralSettings)
class ReferralSettingsAdmin(admin.ModelAdmin[ReferralSettings]):
    list_display = ("mds", "remind_after_days", "escalate_after_days", "expire_after_days")


class PermanenceInline(admin.TabularInline[Permanence, Partner]):
    model = Permanence
    extra = 1


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin[Partner]):
    list_display = ("nom", "commune", "date_maj", "is_active")
    list_filter = ("is_active", "commune")
    search_fields = ("nom", "commune")
    inlines = (PermanenceInline,)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
