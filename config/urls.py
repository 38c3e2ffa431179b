"""Root URLs: pages per app, the API under /api/v1/, health and admin."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView

from accounts.security import api_docs_view
from accounts.session_expiry import session_extend, session_status
from config.health import healthz
from referrals.search_views import search

api_v1: list[URLPattern | URLResolver] = [
    path("", include("accounts.api_urls")),
    path("", include("referrals.api_urls")),
    path("", include("capacity.api_urls")),
    path("", include("placement.api_urls")),
    path("", include("analyses.api_urls")),
    path("", include("conversations.api_urls")),
    path("", include("documents.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI with its script in a separate file, so the strict CSP holds (no inline).
    path("docs/", api_docs_view(), name="api-docs"),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("sessie/", session_status, name="session-status"),
    path("sessie/verlengen/", session_extend, name="session-extend"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    # The header search of coordinators and referrers (issue 20).
    path("zoeken/", search, name="search"),
    path("referrals/", include("referrals.urls")),
    path("capacity/", include("capacity.urls")),
    path("placement/", include("placement.urls")),
    path("analyses/", include("analyses.urls")),
    # The agenda and its secret iCalendar feed (issue 20 point 6).
    path("agenda/", include("agenda.urls")),
    path("gesprekken/", include("conversations.urls")),
    path("documenten/", include("documents.urls")),
    path("", include("accounts.urls")),
]

# Dutch pages in the site's layout (templates/400.html … 500.html), JSON under /api/. See
# config/error_pages.py.
handler400 = "config.error_pages.bad_request"
handler403 = "config.error_pages.permission_denied"
handler404 = "config.error_pages.page_not_found"
handler500 = "config.error_pages.server_error"
