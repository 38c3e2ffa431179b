"""Browser pages of issue 23.5: waiting times by step (with the waiting on a reference
date) and the data-quality report with, for coordinators, the lists of what to fix."""

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import Role, User
from accounts.permissions import role_required
from analyses import selectors, waiting
from analyses.disclosure import Disclosure
from analyses.view_helpers import invalid_filters_context, invalid_filters_csv
from config.errors import ValidationFailed
from config.spreadsheet import csv_response

ROLES = (Role.COORDINATOR, Role.ANALYST)
QUALITY_PAGE_SIZE = 25
WAITING_EXPORTS = ("steps", "waiting-on")


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def waiting_request(*, user: User, query: Any) -> dict[str, Any]:
    """The checked filters of the waiting-times report: the report scope, urgency and
    reference date; every bad value at once as one ValidationFailed naming the fields."""
    errors: dict[str, list[str]] = {}
    found: dict[str, Any] = {}
    for name, read in (
        ("scope", lambda: selectors.report_scope(user=user, query=query)),
        ("urgency", lambda: waiting.urgency_param(query)),
        ("day", lambda: waiting.reference_date_param(query)),
    ):
        try:
            found[name] = read()
        except ValidationFailed as failure:
            errors.update(failure.errors)
    if errors:
        raise ValidationFailed(errors)
    return found


def _pivot_rows(result: waiting.WaitingOn) -> dict[str, Any]:
    pivot = result.pivot
    return {
        "headers": [waiting.urgency_label(c) for c in pivot.col_keys],
        "rows": [
            {
                "label": waiting.care_form_label(r),
                "cells": [pivot.cells[(r, c)] for c in pivot.col_keys],
                "total": pivot.row_totals[r],
                "median": result.row_medians.get(r),
            }
            for r in pivot.row_keys
        ],
        "totals": [pivot.col_totals[c] for c in pivot.col_keys],
        "medians": [result.col_medians.get(c) for c in pivot.col_keys],
        "grand_total": pivot.grand_total,
        "median": result.median,
    }


def _query(filters: selectors.Filters, urgency: str, day: Any) -> str:
    return urlencode(
        {
            "periode": filters.period,
            "regio": filters.region,
            "zorgvorm": filters.care_form,
            "urgentie": urgency,
            "peildatum": day.isoformat(),
        }
    )


def _options(scope: selectors.ReportScope | None) -> dict[str, Any]:
    options = selectors.filter_options(scope)
    options["urgencies"] = [("", _("Alle urgenties")), *waiting.URGENCIES.items()]
    return options


@require_GET
@login_required
@role_required(*ROLES)
def waiting_times(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    try:
        found = waiting_request(user=user, query=request.GET)
    except ValidationFailed as failure:
        context = {
            **invalid_filters_context(request, user, failure),
            "urgency": request.GET.get("urgentie", ""),
            "reference_date": request.GET.get("peildatum", ""),
            "options": _options(None),
            "today": timezone.localdate(),
        }
        return render(request, "analyses/waiting.html", context, status=400)
    scope, urgency, day = found["scope"], found["urgency"], found["day"]
    filters, disclosure = scope.filters, scope.disclosure
    steps = waiting.waiting_times(filters=filters, urgency=urgency, disclosure=disclosure)
    waiting_on = waiting.waiting_on(day=day, region=filters.region, disclosure=disclosure)
    context = {
        "filters": filters,
        "urgency": urgency,
        "reference_date": day.isoformat(),
        "day": day,
        "options": _options(scope),
        "built_at": selectors.built_at(),
        "exact": disclosure.exact,
        "steps": steps.rows,
        "waiting_on": _pivot_rows(waiting_on),
        "query": _query(filters, urgency, day),
        "today": timezone.localdate(),
    }
    return render(request, "analyses/waiting.html", context)


@require_GET
@login_required
@role_required(*ROLES)
def waiting_export(request: HttpRequest, table: str) -> HttpResponse:
    """The two tables of the page as CSV, exactly as shown (suppression included)."""
    if table not in WAITING_EXPORTS:
        raise Http404
    try:
        found = waiting_request(user=_user(request), query=request.GET)
    except ValidationFailed as failure:
        return invalid_filters_csv(failure)
    scope, urgency, day = found["scope"], found["urgency"], found["day"]
    filters, disclosure = scope.filters, scope.disclosure
    response, writer = csv_response(f"wachttijden-{table}-{filters.period}-{day}.csv")
    region = dict(scope.regions).get(filters.region, filters.region) or _("alle regio's")
    if table == "steps":
        writer.writerow([_("Gebouwd op"), selectors.built_at()])
        writer.writerow(
            [
                _("Periode"),
                selectors.period_label(filters.period),
                _("Regio"),
                region,
                _("Zorgvorm"),
                waiting.care_form_label(filters.care_form),
                _("Urgentie"),
                waiting.urgency_label(urgency),
            ]
        )
        writer.writerow(
            [
                _("Stap"),
                _("Verzoeken"),
                _("Mediaan dagen"),
                _("90e percentiel dagen"),
                _("Definitie"),
            ]
        )
        for row in waiting.waiting_times(
            filters=filters, urgency=urgency, disclosure=disclosure
        ).rows:
            writer.writerow(
                [
                    row["step"],
                    row["referrals"],
                    row["median_days"],
                    row["p90_days"],
                    row["definition"],
                ]
            )
        return response
    pivot = _pivot_rows(waiting.waiting_on(day=day, region=filters.region, disclosure=disclosure))
    writer.writerow([_("Peildatum"), day.isoformat(), _("Regio"), region])
    writer.writerow([_("Zorgvorm \\ urgentie"), *pivot["headers"], _("Totaal"), _("Mediaan dagen")])
    for row in pivot["rows"]:
        writer.writerow([row["label"], *row["cells"], row["total"], row["median"]])
    writer.writerow([_("Totaal"), *pivot["totals"], pivot["grand_total"], pivot["median"]])
    writer.writerow([_("Mediaan dagen"), *pivot["medians"], pivot["median"], ""])
    return response


@require_GET
@login_required
@role_required(*ROLES)
def data_quality(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    try:
        scope = selectors.report_scope(user=user, query=request.GET)
    except ValidationFailed as failure:
        context = {
            "errors": failure.errors,
            "region": request.GET.get("regio", ""),
            "options": selectors.filter_options(),
            "exact": Disclosure.for_user(user).exact,
        }
        return render(request, "analyses/quality.html", context, status=400)
    region = scope.filters.region
    checks = waiting.data_quality(region=region, disclosure=scope.disclosure)
    context = {
        "region": region,
        "options": selectors.filter_options(scope),
        "exact": scope.disclosure.exact,
        "checks": checks,
        "can_list": user.role == Role.COORDINATOR,
        "query": urlencode({"regio": region}),
    }
    return render(request, "analyses/quality.html", context)


@require_GET
@login_required
@role_required(Role.COORDINATOR)
def data_quality_list(request: HttpRequest, check: str) -> HttpResponse:
    """What one check finds in the coordinator's region, to fix: paginated, fixed queries."""
    found = waiting.CHECK_CODES.get(check)
    if found is None:
        raise Http404
    try:
        scope = selectors.report_scope(user=_user(request), query=request.GET)
    except ValidationFailed as failure:
        return invalid_filters_csv(failure)
    region = scope.filters.region
    items = waiting.data_quality_items(check=found, region=region)
    page = Paginator(items, QUALITY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "check": found,
        "label": str(found.label),
        "definition": waiting.check_definition(found),
        "region_label": dict(scope.regions).get(region, region) or _("alle regio's"),
        "page": page,
        "query": urlencode({"regio": region}),
    }
    return render(request, "analyses/quality_list.html", context)
