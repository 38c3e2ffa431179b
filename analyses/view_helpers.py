"""What every analyses page does with filters it cannot show: one 400 context for the page,
one plain-text 400 for the downloads (CSV, PDF)."""

from typing import Any

from django.http import HttpRequest, HttpResponse

from accounts.models import User
from analyses import selectors
from analyses.disclosure import Disclosure
from config.errors import ValidationFailed


def invalid_filters_context(
    request: HttpRequest, user: User, failure: ValidationFailed
) -> dict[str, Any]:
    """The page's context for a filter the reports do not know: the errors per field, the
    filters as typed, the choices, and no figures."""
    return {
        "errors": failure.errors,
        "filters": selectors.Filters(
            period=request.GET.get("periode", ""),
            region=request.GET.get("regio", ""),
            care_form=request.GET.get("zorgvorm", ""),
        ),
        "options": selectors.filter_options(),
        "built_at": selectors.built_at(),
        "exact": Disclosure.for_user(user).exact,
    }


def invalid_filters_csv(failure: ValidationFailed) -> HttpResponse:
    """A download asked with a filter the reports do not know: the messages, status 400."""
    message = " ".join(" ".join(texts) for texts in failure.errors.values())
    return HttpResponse(message, content_type="text/plain; charset=utf-8", status=400)
