from django.contrib import admin
from django.http import HttpRequest

from outbox.models import OutboxTask


@admin.register(OutboxTask)
class OutboxTaskAdmin(admin.ModelAdmin[OutboxTask]):
    list_display = ["name", "created_at", "dispatched_at", "attempts", "last_error"]
    list_filter = ["name"]
    readonly_fields = [f.name for f in OutboxTask._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
