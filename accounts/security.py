"""Security headers Django has no setting for (Permissions-Policy, no-store on everything
personal), and the API docs under a strict CSP."""

import base64
import hashlib
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import drf_spectacular
from csp.decorators import csp_update
from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from drf_spectacular.views import SpectacularSwaggerSplitView


class PermissionsPolicyMiddleware:
    """Switch off browser features the application never uses (camera, location, …)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store, private` on everything personal: every answer to a
    signed-in user or an API client (a token answer included), static files excepted.
    Pages and API answers carry special-category data (youth care); no browser, proxy or
    back button may keep them. A view that sets its own Cache-Control keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if "Cache-Control" in response or request.path_info.startswith(settings.STATIC_URL):
            return response
        # DRF sets the Django request's user too when a token authenticates it.
        user = getattr(request, "user", None)
        if request.path_info.startswith("/api/") or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "no-store, private"
        return response


@cache
def swagger_inline_style_hashes() -> list[str]:
    """CSP hashes of the inline <style> blocks of drf-spectacular's Swagger UI page.

    Read from the installed template, so an upgrade that changes the block still matches,
    and nothing else inline is allowed. The script is served separately (split view).
    """
    template = (
        Path(drf_spectacular.__file__).parent / "templates" / "drf_spectacular" / "swagger_ui.html"
    )
    blocks = re.findall(r"<style>(.*?)</style>", template.read_text(), flags=re.DOTALL)
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(b.encode()).digest()).decode()}'" for b in blocks
    ]


def api_docs_view() -> Callable[..., Any]:
    """Swagger UI with its init script as a separate file (no inline script) and its one
    inline style allowed by hash; the page's CSP is otherwise the site's."""
    view = SpectacularSwaggerSplitView.as_view(url_name="api-schema")
    return csp_update({"style-src": swagger_inline_style_hashes()})(view)
