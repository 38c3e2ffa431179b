"""Refuse an upload that is too large from its Content-Length, before anything reads it."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from documents.validation import size_text


def upload_limit() -> int:
    return int(settings.DOCUMENT_MAX_BYTES + settings.DOCUMENT_UPLOAD_OVERHEAD_BYTES)


class UploadSizeLimitMiddleware:
    """A multipart body larger than a document may be (plus the form around it) gets a 400
    naming `file`, unread: Django would otherwise stream it into a temporary file first.

    Before any middleware that reads request.POST (NulByteMiddleware, the CSRF check)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.content_type == "multipart/form-data" and self._too_large(request):
            message = _("Het bestand is groter dan %(limit)s.") % {
                "limit": size_text(settings.DOCUMENT_MAX_BYTES)
            }
            response: HttpResponseBase
            if request.path_info.startswith("/api/"):
                response = JsonResponse({"errors": {"file": [message]}}, status=400)
            else:
                response = render(
                    request, "documents/upload_too_large.html", {"message": message}, status=400
                )
            # The body stays unread: tell the client not to reuse the connection.
            response["Connection"] = "close"
            return response
        return self.get_response(request)

    @staticmethod
    def _too_large(request: HttpRequest) -> bool:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        return length > upload_limit()
