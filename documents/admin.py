"""Documents in the admin: read-only facts (the file itself only through the download view)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from documents.models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin[Document]):
    list_display = ("id", "referral", "kind", "content_type", "size", "uploaded_at", "removed_at")
    list_filter = ("kind", "scan_status")
    fields = (
        "referral",
        "kind",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
        "shareable_anonymised",
        "scan_status",
        "removed_at",
        "removed_by",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
