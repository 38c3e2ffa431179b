"""Error pages in Dutch and in the site's layout; under /api/ every error answers JSON in the
format of CONTRACT.md (400/413 `{"errors": {…}}`, 403/404/500 `{"detail": …}`)."""

import sys
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed, RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views import defaults


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404. An API client gets the JSON of CONTRACT.md even for a URL that matches no
    endpoint (inside an endpoint DRF's exception handler answers it already)."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": _("Niet gevonden.")}, status=404)
    return render(request, "404.html", status=404)


def _api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler400: a request Django refuses before or outside a view (SuspiciousOperation),
    among them a body over DATA_UPLOAD_MAX_MEMORY_SIZE, which answers 413."""
    too_big = isinstance(exception, RequestDataTooBig)
    status = 413 if too_big else 400
    if _api(request):
        if too_big:
            errors = {"body": [_("De inhoud is te groot.")]}
        else:
            errors = {"non_field_errors": [_("Ongeldig verzoek.")]}
        return JsonResponse({"errors": errors}, status=status)
    return render(request, "400.html", status=status)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler403 (inside an endpoint DRF's exception handler answers a refusal already)."""
    if _api(request):
        return JsonResponse({"detail": _("Geen toegang.")}, status=403)
    return defaults.permission_denied(request, exception or Exception())


# The database is unreachable (PostgreSQL down or restarting): a 503, not a 500.
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """The database is down: templates/503.html (rendered without a request, so no context
    processor queries the database), or under /api/ JSON; both with Retry-After."""
    response: HttpResponse
    if _api(request):
        response = JsonResponse(
            {
                "detail": _(
                    "De dienst is tijdelijk niet beschikbaar. Probeer het over enkele minuten "
                    "opnieuw."
                )
            },
            status=503,
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: templates/500.html, or under /api/ JSON that says as little. Called
    while the exception is handled: a database that is down answers 503 instead."""
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return service_unavailable(request)
    if _api(request):
        return JsonResponse(
            {"detail": _("Er ging iets mis aan onze kant. Probeer het later opnieuw.")}, status=500
        )
    return defaults.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: mostly a form left open past the session, or a sign-out in
    another tab. The reason is for the log (Django logs it), not for the user."""
    if _api(request):
        return JsonResponse({"detail": _("Geen toegang.")}, status=403)
    return render(request, "403_csrf.html", status=403)


class NotFoundPageInDebugMiddleware:
    """The demo (DEBUG on) shows the Dutch 404 page instead of Django's technical one.

    With DEBUG on, Django answers every 404 with its debug page, which lists every URL
    pattern of the site, and has no setting to turn that off; handler404 serves only with
    DEBUG off. The demo is shown to outsiders, so this middleware answers a 404 itself before
    Django's handler sees it: a URL that resolves to nothing (process_request) and an Http404
    raised by a view (process_exception). The 500 debug page stays: it is for the developer
    whose demo breaks. Without DEBUG the middleware removes itself (MiddlewareNotUsed).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        if not settings.DEBUG:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            resolve(request.path_info)
        except Resolver404 as exc:
            # CommonMiddleware (outside this one) still redirects /pad to /pad/ on a 404.
            return page_not_found(request, exc)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None
