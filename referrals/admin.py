"""Admin of referrals: read-only, pseudonymous (no identity: that is read only through the
audited pages), with a link to the referral's access audit trail."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from referrals.models import ExplanatoryAnalysis, InfoRequest, Referral, ReferralEvent


class ReadOnlyInline(admin.TabularInline[Any, Any]):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(ReadOnlyInline):
    model = ReferralEvent
    fields = ["at", "by", "from_status", "to_status", "note"]


class InfoRequestInline(ReadOnlyInline):
    model = InfoRequest
    fields = ["asked_at", "asked_by", "question", "answer", "answered_at"]


class AnalysisInline(ReadOnlyInline):
    model = ExplanatoryAnalysis
    fields = ["version", "needed_care_forms", "needed_expertise", "risk_flags", "completed_on"]


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin[Referral]):
    list_display = ["code", "status", "organisation", "submitted_at", "expert_table"]
    list_filter = ["status", "expert_table", "organisation"]
    search_fields = ["=code"]
    exclude = ["youth"]
    readonly_fields = ["audit_trail"]
    inlines = [AnalysisInline, InfoRequestInline, EventInline]

    @admin.display(description=_("audittrail"))
    def audit_trail(self, obj: Referral) -> SafeString:
        url = reverse("admin:accounts_auditentry_changelist") + f"?referral_id={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Toegang tot dit verzoek bekijken"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
