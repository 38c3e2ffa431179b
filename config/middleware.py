"""Input no view can store: refused before any view runs."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class NulByteMiddleware:
    """A NUL byte in the path, a query parameter or a form field is a 400 (PostgreSQL stores
    no NUL in text, so any filter or save with one would fail as a 500).

    Under /api/ the answer is the JSON of CONTRACT.md naming the parameter; elsewhere the
    Dutch 400 page. JSON bodies need no check here: DRF's CharField refuses a NUL itself. A
    multipart body under /api/ is left unread (the API parses JSON only, and reading it here
    would leave nothing for DRF to read)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        name = self._offending(request)
        if name is None:
            return self.get_response(request)
        message = _("Deze waarde bevat een ongeldig teken (NUL).")
        if request.path_info.startswith("/api/"):
            return JsonResponse({"errors": {name: [message]}}, status=400)
        return render(request, "400.html", status=400)

    @staticmethod
    def _offending(request: HttpRequest) -> str | None:
        if "\x00" in request.path_info:
            return "non_field_errors"
        sources = [request.GET]
        api = request.path_info.startswith("/api/")
        if request.method == "POST" and not (api and request.content_type == "multipart/form-data"):
            sources.append(request.POST)
        for source in sources:
            for key, values in source.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    return key.replace("\x00", "") or "non_field_errors"
        return None
