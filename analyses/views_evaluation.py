"""Browser pages of the three-monthly evaluation (analyses.evaluation): a provider's own
figures (`/analyses/mijn-cijfers/`), the coordinator's and analyst's choice of pack, and the
pack as PDF and CSV. Nothing identifying: aggregates only, so no audit entry (as the other
report exports)."""

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import Role, User
from accounts.permissions import role_required
from analyses import evaluation, selectors
from analyses.evaluation import Evaluation, EvaluationScope
from analyses.view_helpers import invalid_filters_csv
from config.errors import ValidationFailed
from config.pdf import render_pdf
from config.spreadsheet import csv_response

PROVIDER_HEADERS = {
    "provider": _("Aanbieder"),
    "offers": _("Voorstellen"),
    "accepted": _("Geaccepteerd"),
    "refused": _("Geweigerd (incl. geen reactie)"),
    "no_response": _("Geen reactie"),
    "acceptance_rate": _("Acceptatie (%)"),
    "no_response_share": _("Geen reactie (%)"),
    "median_response_hours": _("Mediane reactietijd (uur)"),
    "top_reason": _("Meest genoemde weigerreden"),
    "started": _("Plaatsingen gestart"),
    "replaced_12m": _("Doorgeplaatst binnen 12 mnd"),
}


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _context(pack: Evaluation) -> dict[str, Any]:
    scope = pack.scope
    return {
        "pack": pack,
        "scope": scope,
        "quarter_label": selectors.period_label(scope.quarter),
        "provider_headers": [str(PROVIDER_HEADERS[c]) for c in evaluation.PROVIDER_COLUMNS],
        "provider_rows": [[row[c] for c in evaluation.PROVIDER_COLUMNS] for row in pack.providers],
        "download_query": urlencode(scope.query()),
        "suppressed": not (scope.own.exact and scope.regional.exact),
    }


def _errors_page(
    request: HttpRequest, template: str, failure: ValidationFailed, extra: dict[str, Any]
) -> HttpResponse:
    context = {"errors": failure.errors, "pack": None, **extra}
    return render(request, template, context, status=400)


@require_GET
@login_required
@role_required(Role.PROVIDER)
def my_figures(request: HttpRequest) -> HttpResponse:
    """The provider's own pack, the same figures as its PDF and CSV."""
    user = _user(request)
    extra = {"quarters": evaluation.quarter_choices()}
    try:
        scope = evaluation.evaluation_scope(user=user, query=request.GET)
    except ValidationFailed as failure:
        return _errors_page(request, "analyses/evaluation_mine.html", failure, extra)
    context = {**_context(evaluation.evaluation(scope)), **extra}
    return render(request, "analyses/evaluation_mine.html", context)


@require_GET
@login_required
@role_required(Role.COORDINATOR, Role.ANALYST)
def evaluation_page(request: HttpRequest) -> HttpResponse:
    """The coordinator's and the analyst's evaluation: the region pack, or one provider's
    pack (`?aanbieder=<id>`), for a quarter (`?kwartaal=2026-Q3`)."""
    user = _user(request)
    extra: dict[str, Any] = {
        "quarters": evaluation.quarter_choices(),
        "providers": evaluation.providers_in_scope(user),
        "chosen_provider": request.GET.get("aanbieder", ""),
        "chosen_region": request.GET.get("regio", ""),
    }
    try:
        choice = selectors.report_scope(user=user, query={})
        extra["regions"], extra["every_region"] = choice.regions, choice.every_region
        scope = evaluation.evaluation_scope(user=user, query=request.GET)
    except ValidationFailed as failure:
        return _errors_page(request, "analyses/evaluation.html", failure, extra)
    context = {**_context(evaluation.evaluation(scope)), **extra}
    return render(request, "analyses/evaluation.html", context)


def _filename(scope: EvaluationScope, extension: str) -> str:
    who = f"aanbieder-{scope.provider.pk}" if scope.provider else "regio"
    if scope.provider is None and scope.regions is not None and len(scope.regions) == 1:
        who = f"regio-{scope.regions[0].code}"
    return f"evaluatie-{scope.quarter}-{who}.{extension}"


@require_GET
@login_required
@role_required(Role.COORDINATOR, Role.ANALYST, Role.PROVIDER)
def evaluation_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The pack as PDF or CSV: a provider gets only its own, whatever the parameters."""
    if fmt not in ("pdf", "csv"):
        raise Http404
    try:
        scope = evaluation.evaluation_scope(user=_user(request), query=request.GET)
    except ValidationFailed as failure:
        return invalid_filters_csv(failure)
    pack = evaluation.evaluation(scope)
    if fmt == "pdf":
        context = {**_context(pack), "document_code": scope.quarter, "printing": True}
        return render_pdf(request, "print/evaluation.html", context, _filename(scope, "pdf"))
    response, writer = csv_response(_filename(scope, "csv"))
    for row in csv_rows(pack):
        writer.writerow(row)
    return response


def csv_rows(pack: Evaluation) -> list[list[Any]]:
    """The pack as the CSV's rows: a heading, then section, figure, provider (in a
    provider's pack), region."""
    scope = pack.scope
    rows: list[list[Any]] = [
        [_("Gebouwd op"), pack.built_at],
        [_("Kwartaal"), selectors.period_label(scope.quarter)],
        [_("Regio's"), pack.regions_label],
    ]
    if scope.provider is not None:
        rows.append([_("Aanbieder"), scope.provider.name])
        rows.append(
            [_("Onderdeel"), _("Kengetal"), scope.provider.name, _("Regio, alle aanbieders")]
        )
    else:
        # The region's pack has no provider column: section, figure, region.
        rows.append([_("Onderdeel"), _("Kengetal"), _("Regio, alle aanbieders")])
    for section in pack.sections:
        for figure in section.figures:
            own = [] if scope.provider is None else [figure.provider]
            rows.append([section.title, figure.label, *own, figure.region])
    if pack.providers:
        rows.append([])
        rows.append([str(PROVIDER_HEADERS[c]) for c in evaluation.PROVIDER_COLUMNS])
        for row in pack.providers:
            rows.append([row[c] for c in evaluation.PROVIDER_COLUMNS])
    return rows
