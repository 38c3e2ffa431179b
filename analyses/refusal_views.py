"""Browser page and CSV of the refusals report (issue 23): who refuses why, with the
`aanbieder` (provider) filter. The figures come from `analyses.refusals`."""

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.models import Organisation
from accounts.permissions import role_required
from analyses import refusals, selectors
from analyses.refusals import ReasonPivot, RefusalReport
from analyses.selectors import Filters, ReportScope
from analyses.view_helpers import invalid_filters_context
from analyses.views import ROLES, _labelled, _user
from config.errors import ValidationFailed
from config.spreadsheet import csv_response

PROVIDERS_PER_PAGE = 50
PIVOTS = {
    "refusals-provider-reason": ("by_provider", gettext_lazy("Aanbieder")),
    "refusals-care-form-reason": ("by_care_form", gettext_lazy("Zorgvorm")),
    "refusals-concern-reason": ("by_concern", gettext_lazy("Aanleiding (expertise of risico)")),
}
TABLES = {"refusal-reasons": "reasons", "providers": "providers"}
# The CSV exports served here (analyses.views.export hands them over): the refusals report's
# tables, which the provider filter narrows.
EXPORTS = (*PIVOTS, *TABLES)


def _query(filters: Filters, provider: Organisation | None) -> str:
    """The filters as applied, for the CSV links and the pages."""
    params = {"periode": filters.period, "regio": filters.region, "zorgvorm": filters.care_form}
    if provider is not None:
        params["aanbieder"] = str(provider.pk)
    return urlencode(params)


def _pivot(pivot: ReasonPivot, rows: list[str] | None = None) -> dict[str, Any]:
    """A reason pivot for the template: `rows` (default every row) of the page."""
    p = pivot.pivot
    return {
        "headers": [selectors.reason_label(c) for c in p.col_keys],
        "rows": [
            {
                "label": pivot.labels[r],
                "cells": [p.cells[(r, c)] for c in p.col_keys],
                "total": p.row_totals[r],
                "main": pivot.main[r],
            }
            for r in (p.row_keys if rows is None else rows)
        ],
        "totals": [p.col_totals[c] for c in p.col_keys],
        "grand_total": p.grand_total,
    }


def _context(
    request: HttpRequest, scope: ReportScope, provider: Organisation | None
) -> dict[str, Any]:
    filters, disclosure = scope.filters, scope.disclosure
    report = refusals.refusal_report(filters=filters, disclosure=disclosure, provider=provider)
    page = Paginator(report.by_provider.pivot.row_keys, PROVIDERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    query = _query(filters, provider)
    return {
        "filters": filters,
        "provider": provider,
        "options": selectors.filter_options(scope),
        "providers": refusals.providers_in_scope(scope),
        "built_at": selectors.built_at(),
        "exact": disclosure.exact,
        "by_provider": _pivot(report.by_provider, list(page.object_list)),
        "page": page,
        "by_care_form": _pivot(report.by_care_form),
        "by_concern": _pivot(report.by_concern),
        "reasons": _labelled(report.reasons),
        "provider_answers": _labelled(report.providers),
        "query": query,
    }


@require_GET
@login_required
@role_required(*ROLES)
def refusals_page(request: HttpRequest) -> HttpResponse:
    """Weigeringen: per aanbieder × reden with each provider's main reason, per zorgvorm ×
    reden, per aanleiding × reden, the reasons and the answers per provider."""
    user = _user(request)
    scope = None
    try:
        scope = selectors.report_scope(user=user, query=request.GET)
        provider = refusals.provider_filter(scope=scope, query=request.GET)
    except ValidationFailed as failure:
        context = {
            **invalid_filters_context(request, user, failure),
            "selected_provider": request.GET.get("aanbieder", ""),
            "options": selectors.filter_options(scope),
            "providers": refusals.providers_in_scope(scope) if scope else [],
            "query": "",
        }
        return render(request, "analyses/refusals.html", context, status=400)
    context = _context(request, scope, provider)
    context["selected_provider"] = str(provider.pk) if provider else ""
    return render(request, "analyses/refusals.html", context)


def _write_pivot(writer: Any, pivot: ReasonPivot, first: str) -> None:
    p = pivot.pivot
    writer.writerow(
        [
            first,
            *(selectors.reason_label(c) for c in p.col_keys),
            _("Totaal"),
            _("Belangrijkste reden"),
            _("Aandeel belangrijkste reden (%)"),
        ]
    )
    for r in p.row_keys:
        main = pivot.main[r]
        writer.writerow(
            [
                pivot.labels[r],
                *(p.cells[(r, c)] for c in p.col_keys),
                p.row_totals[r],
                main.label,
                "" if main.share is None else main.share,
            ]
        )
    writer.writerow([_("Totaal"), *(p.col_totals[c] for c in p.col_keys), p.grand_total, "", ""])


@require_GET
@login_required
@role_required(*ROLES)
def export(request: HttpRequest, table: str) -> HttpResponse:
    """The refusals report's tables as CSV, exactly as shown on its page (suppression and
    the provider filter included); a bad filter is a 400 naming it."""
    if table not in EXPORTS:
        raise Http404
    try:
        scope = selectors.report_scope(user=_user(request), query=request.GET)
        provider = refusals.provider_filter(scope=scope, query=request.GET)
    except ValidationFailed as failure:
        message = " ".join(f"{name}: {' '.join(texts)}" for name, texts in failure.errors.items())
        return HttpResponse(message, content_type="text/plain; charset=utf-8", status=400)
    filters = scope.filters
    report: RefusalReport = refusals.refusal_report(
        filters=filters, disclosure=scope.disclosure, provider=provider
    )
    stamp = timezone.localdate().isoformat()
    response, writer = csv_response(f"{table}-{filters.period}-{stamp}.csv")
    writer.writerow([_("Gebouwd op"), selectors.built_at()])
    writer.writerow(
        [
            _("Periode"),
            selectors.period_label(filters.period),
            _("Regio"),
            dict(scope.regions).get(filters.region, filters.region) or _("alle regio's"),
            _("Zorgvorm"),
            selectors.care_form_label(filters.care_form) if filters.care_form else _("alle"),
            # Only when filtered, so the heading of the unfiltered exports stays as it was.
            *([_("Aanbieder"), provider.name] if provider else []),
        ]
    )
    if table in PIVOTS:
        name, first = PIVOTS[table]
        _write_pivot(writer, getattr(report, name), str(first))
        return response
    labelled = _labelled(getattr(report, TABLES[table]))
    writer.writerow(labelled["headers"])
    for row in labelled["rows"]:
        writer.writerow(row)
    if labelled["totals"]:
        writer.writerow([_("Totaal"), *labelled["totals"][1:]])
    return response
