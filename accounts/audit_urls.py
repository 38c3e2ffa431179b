from django.urls import URLPattern, URLResolver, path

from accounts import audit_api

urlpatterns: list[URLPattern | URLResolver] = [
    path("audit/", audit_api.AuditTrail.as_view(), name="api-audit"),
]
