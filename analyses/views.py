"""Browser pages of analyses: the dashboard, the rebuild button with its progress, CSV."""

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role, User
from accounts.permissions import role_required
from analyses import selectors, services
from analyses.catalogue_views import catalogue_rows
from analyses.disclosure import Disclosure, Pivot, Table
from analyses.view_helpers import invalid_filters_context, invalid_filters_csv
from config.errors import ValidationFailed
from config.spreadsheet import csv_response

ROLES = (Role.COORDINATOR, Role.ANALYST)

COLUMN_LABELS = {
    "care_form": _("Zorgvorm (1e keus)"),
    "expertise": _("Expertise"),
    "age_band": _("Leeftijd"),
    "secured": _("Gesloten"),
    "referrals": _("Verzoeken"),
    "placed_first_choice": _("Geplaatst in 1e keus"),
    "placed_other": _("Geplaatst in andere zorgvorm"),
    "waiting_now": _("Wacht nu"),
    "median_days_waiting": _("Mediaan dagen wachtend"),
    "resolved_at_home": _("Opgelost thuis"),
    "refusals": _("Weigeringen"),
    "hard_to_place": _("Moeilijk plaatsbaar"),
    "top_refusal_reasons": _("Meest genoemde redenen"),
    "reason_code": _("Code"),
    "reason": _("Reden"),
    "provider": _("Aanbieder"),
    "offers": _("Voorstellen"),
    "accepted": _("Geaccepteerd"),
    "refused": _("Geweigerd (incl. geen reactie)"),
    "no_response": _("Geen reactie"),
    "acceptance_rate": _("Acceptatie (%)"),
    "no_response_share": _("Geen reactie (%)"),
    "median_response_hours": _("Mediane reactietijd (uur)"),
    "started": _("Gestart"),
    "replaced_6m": _("Doorgeplaatst binnen 6 mnd"),
    "replaced_12m": _("Doorgeplaatst binnen 12 mnd"),
    "rate_6m": _("Binnen 6 mnd (%)"),
    "rate_12m": _("Binnen 12 mnd (%)"),
    "placements_in_chain": _("Plaatsingen in de keten"),
    "youths": _("Jongeren"),
    "period": _("Maand"),
    "occupied": _("Bezet"),
    "total": _("Plaatsen"),
    "rate": _("Bezettingsgraad (%)"),
    # Issue 21 and 22.
    "placed_outside": _("Buiten de coördinatie geplaatst"),
    "replaced": _("Doorgeplaatst in de periode"),
    "prevented": _("Doorplaatsing voorkomen in de periode"),
    "contracted": _("Gecontracteerd"),
    "arrangement": _("Arrangement"),
    "with_cost": _("Met bekende kosten per dag"),
    "cost_per_day_sum": _("Kosten per dag, som (€)"),
    "cost_per_day_average": _("Kosten per dag, gemiddeld (€)"),
    "dimension": _("Kenmerk"),
    "origin": _("Waarde"),
    "placed": _("Geplaatst"),
    "median_days_to_placement": _("Mediaan dagen tot plaatsing"),
    "municipality": _("Gemeente"),
    "region_name": _("Regio"),
    "location_care_form": _("Zorgvorm (locatie)"),
    "bed_days": _("Ligdagen"),
    "cost": _("Kosten (€)"),
    "bed_days_unpriced": _("Ligdagen zonder tarief"),
    # Issue 23: the KPI catalogue in the kpis CSV.
    "definition": _("Definitie"),
    "formula": _("Formule"),
    "source": _("Bron"),
    "period_rule": _("Periode"),
    "unit": _("Eenheid"),
    "direction": _("Richting"),
    "target": _("Streefwaarde"),
    "target_met": _("Gehaald"),
}
KPI_COLUMNS = (
    "definition",
    "formula",
    "source",
    "period_rule",
    "unit",
    "direction",
    "target",
    "target_met",
)
# Columns the tables carry for the code, not for the reader.
CODE_COLUMNS = {"reason_code", "dimension_code"}
EXPORTS = (
    "unmet-need",
    "need-matrix",
    "refusal-reasons",
    "providers",
    "replacements",
    "chains",
    "kpis",
    "occupancy",
    "outside-care",
    "origin",
    "bed-days-municipality",
    "bed-days-region",
    "bed-days-care-form",
)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


# Issue 23.2, `vergelijk=1`: the count of each dashboard table shown beside its figure in
# the period before (context name: dimensions matching the rows, the count compared).
COMPARED = {
    "unmet": (("care_form", "expertise", "age_band", "secured"), "referrals"),
    "reasons": (("reason_code",), "refusals"),
    "providers": (("provider",), "offers"),
    "replacements": (("provider", "care_form"), "started"),
    "chains": (("placements_in_chain",), "youths"),
    "outside": (("care_form", "contracted", "arrangement"), "youths"),
    "origin": (("dimension_code", "origin"), "referrals"),
}
PREVIOUS = "_previous"


def _compare(table: Table, before: Table, dimensions: tuple[str, ...], column: str) -> None:
    """Add `<column>_previous` beside `column`: the figure of the same row in the period
    before, as disclosed there (its own table, protected as a whole); 0 for a row the
    period before did not have."""
    shown = {tuple(row.get(d) for d in dimensions): row.get(column) for row in before.rows}
    for row in table.rows:
        row[column + PREVIOUS] = shown.get(tuple(row.get(d) for d in dimensions), 0)
    if table.totals:
        table.totals[column + PREVIOUS] = before.totals.get(column, "")
    table.columns.insert(table.columns.index(column) + 1, column + PREVIOUS)


def _with_previous(
    data: dict[str, Any], filters: selectors.Filters, disclosure: Disclosure
) -> None:
    """The dashboard's count tables compared with the period before (`vergelijk=1`)."""
    before = filters.previous
    if before is None:
        return
    refusals = selectors.refusals(filters=before, disclosure=disclosure)
    replacements = selectors.replacements(filters=before, disclosure=disclosure)
    previous = {
        "unmet": selectors.unmet_need(filters=before, disclosure=disclosure),
        "reasons": refusals["reasons"],
        "providers": refusals["providers"],
        "replacements": replacements["providers"],
        "chains": replacements["chains"],
        "outside": selectors.outside_care(filters=before, disclosure=disclosure),
        "origin": selectors.origin(filters=before, disclosure=disclosure),
    }
    for name, (dimensions, column) in COMPARED.items():
        _compare(data[name], previous[name], dimensions, column)


def _labelled(table: Table) -> dict[str, Any]:
    """Rows as lists in column order, for the templates."""
    columns = [c for c in table.columns if c not in CODE_COLUMNS]
    return {
        "headers": [
            _("%(column)s, vorige periode") % {"column": COLUMN_LABELS.get(c[: -len(PREVIOUS)])}
            if c.endswith(PREVIOUS)
            else COLUMN_LABELS.get(c, c)
            for c in columns
        ],
        "rows": [[row.get(c) for c in columns] for row in table.rows],
        "totals": [table.totals.get(c, "") for c in columns] if table.totals else None,
    }


def _pivot(pivot: Pivot) -> dict[str, Any]:
    return {
        "headers": [selectors.care_form_label(c) for c in pivot.col_keys],
        "rows": [
            {
                "label": selectors.care_form_label(r),
                "cells": [pivot.cells[(r, c)] for c in pivot.col_keys],
                "total": pivot.row_totals[r],
            }
            for r in pivot.row_keys
        ],
        "totals": [pivot.col_totals[c] for c in pivot.col_keys],
        "grand_total": pivot.grand_total,
    }


UNMET_ROWS_SHOWN = 25


def _tables(filters: selectors.Filters, disclosure: Disclosure) -> dict[str, Any]:
    refusals = selectors.refusals(filters=filters, disclosure=disclosure)
    replacements = selectors.replacements(filters=filters, disclosure=disclosure)
    occupancy_rows = selectors.occupancy(filters=filters, disclosure=disclosure)
    return {
        "unmet": selectors.unmet_need(filters=filters, disclosure=disclosure),
        "outside": selectors.outside_care(filters=filters, disclosure=disclosure),
        "origin": selectors.origin(filters=filters, disclosure=disclosure),
        "bed_days": selectors.bed_days(filters=filters, disclosure=disclosure),
        "matrix": selectors.need_matrix(filters=filters, disclosure=disclosure),
        "reasons": refusals["reasons"],
        "providers": refusals["providers"],
        "replacements": replacements["providers"],
        "chains": replacements["chains"],
        "kpis": selectors.kpis(filters=filters, disclosure=disclosure),
        "occupancy": occupancy_rows,
        "charts": selectors.chart_data(
            filters=filters,
            disclosure=disclosure,
            reasons=refusals["reasons"],
            occupancy_rows=occupancy_rows,
        ),
    }


@require_GET
@login_required
@role_required(*ROLES)
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    try:
        scope = selectors.report_scope(user=user, query=request.GET)
    except ValidationFailed as failure:
        context = {
            **invalid_filters_context(request, user, failure),
            "run": selectors.latest_run(),
            "query": "",
        }
        return render(request, "analyses/dashboard.html", context, status=400)
    filters, disclosure = scope.filters, scope.disclosure
    data = _tables(filters, disclosure)
    compare = request.GET.get("vergelijk") == "1"
    if compare:
        _with_previous(data, filters, disclosure)
    occupancy_table = Table(
        columns=["period", "care_form", "occupied", "total", "rate"], rows=data["occupancy"]
    )
    context = {
        "filters": filters,
        "options": selectors.filter_options(scope),
        "built_at": selectors.built_at(),
        "run": selectors.latest_run(),
        "exact": disclosure.exact,
        "kpis": data["kpis"],
        "charts": data["charts"],
        "unmet": _labelled(data["unmet"]),
        "matrix": _pivot(data["matrix"]),
        "reasons": _labelled(data["reasons"]),
        "providers": _labelled(data["providers"]),
        "replacements": _labelled(data["replacements"]),
        "chains": _labelled(data["chains"]),
        "occupancy": _labelled(occupancy_table),
        "outside": _labelled(data["outside"]),
        "origin": _labelled(data["origin"]),
        "bed_days_year": data["bed_days"]["year"],
        "bed_days_municipality": _labelled(data["bed_days"]["municipality"]),
        "bed_days_region": _labelled(data["bed_days"]["region"]),
        "bed_days_care_form": _labelled(data["bed_days"]["care_form"]),
        "query": _query(filters),
        # The need profiles run to ~80 rows a year: the first 25 (most unmet need first),
        # all of them on request (`?alle=unmet-need`) and in the CSV.
        "unmet_limit": None if request.GET.get("alle") == "unmet-need" else UNMET_ROWS_SHOWN,
        "compare": compare,
        "previous_label": selectors.period_label(filters.previous.period)
        if filters.previous
        else "",
    }
    # Issue 22.5: expected vacancies checked afterwards (analyses/forecasts.py).
    from analyses import forecasts

    context["forecasts"] = forecasts.export_rows(filters=filters, disclosure=disclosure)
    context["forecast_tolerance_days"] = forecasts.tolerance_days()
    return render(request, "analyses/dashboard.html", context)


def _query(filters: selectors.Filters) -> str:
    """The filters as applied (region resolved), for the CSV links."""
    return urlencode(
        {"periode": filters.period, "regio": filters.region, "zorgvorm": filters.care_form}
    )


@require_POST
@login_required
@role_required(*ROLES)
def rebuild(request: HttpRequest) -> HttpResponse:
    run = services.report_run_request(by=_user(request))
    return render(request, "analyses/partials/run.html", {"run": run}, status=202)


@require_GET
@login_required
@role_required(*ROLES)
def run_status(request: HttpRequest) -> HttpResponse:
    return render(request, "analyses/partials/run.html", {"run": selectors.latest_run()})


@require_GET
@login_required
@role_required(*ROLES)
def export(request: HttpRequest, table: str) -> HttpResponse:
    """Every table as CSV, exactly as shown on the dashboard (suppression included)."""
    # The refusals report's tables (issue 23: with the provider filter) are written there.
    from analyses import refusal_views

    if table in refusal_views.EXPORTS:
        return refusal_views.export(request, table)
    from analyses import forecasts  # issue 22.5

    if table not in (*EXPORTS, forecasts.EXPORT):
        raise Http404
    try:
        scope = selectors.report_scope(user=_user(request), query=request.GET)
    except ValidationFailed as failure:
        return invalid_filters_csv(failure)
    filters, disclosure = scope.filters, scope.disclosure
    stamp = timezone.localdate().isoformat()
    response, writer = csv_response(f"{table}-{filters.period}-{stamp}.csv")
    built = selectors.built_at()
    writer.writerow([_("Gebouwd op"), built])
    writer.writerow(
        [
            _("Periode"),
            selectors.period_label(filters.period),
            _("Regio"),
            dict(scope.regions).get(filters.region, filters.region) or _("alle regio's"),
            _("Zorgvorm"),
            selectors.care_form_label(filters.care_form) if filters.care_form else _("alle"),
        ]
    )
    if table == "need-matrix":
        pivot = _pivot(selectors.need_matrix(filters=filters, disclosure=disclosure))
        writer.writerow([_("Nodig \\ geleverd"), *pivot["headers"], _("Totaal")])
        for row in pivot["rows"]:
            writer.writerow([row["label"], *row["cells"], row["total"]])
        writer.writerow([_("Totaal"), *pivot["totals"], pivot["grand_total"]])
        return response
    if table == "kpis":
        # Issue 23: every KPI of the catalogue, with its target and how it is computed.
        writer.writerow([_("Kengetal"), _("Waarde"), *[COLUMN_LABELS[c] for c in KPI_COLUMNS]])
        for row in catalogue_rows(filters=filters, disclosure=disclosure):
            kpi = row["kpi"]
            met = {True: _("ja"), False: _("nee")}.get(row["met"], "")
            writer.writerow(
                [
                    kpi.name,
                    row["value"],
                    kpi.definition,
                    kpi.formula,
                    kpi.source,
                    kpi.period,
                    kpi.unit_label,
                    kpi.direction_label,
                    row["target"].target if row["target"] else "",
                    met,
                ]
            )
        return response
    if table == forecasts.EXPORT:
        labelled = forecasts.export_rows(filters=filters, disclosure=disclosure)
    elif table == "occupancy":
        rows = selectors.occupancy(filters=filters, disclosure=disclosure)
        labelled = _labelled(
            Table(columns=["period", "care_form", "occupied", "total", "rate"], rows=rows)
        )
    else:
        data = {
            "unmet-need": lambda: selectors.unmet_need(filters=filters, disclosure=disclosure),
            "refusal-reasons": lambda: selectors.refusals(filters=filters, disclosure=disclosure)[
                "reasons"
            ],
            "providers": lambda: selectors.refusals(filters=filters, disclosure=disclosure)[
                "providers"
            ],
            "replacements": lambda: selectors.replacements(filters=filters, disclosure=disclosure)[
                "providers"
            ],
            "chains": lambda: selectors.replacements(filters=filters, disclosure=disclosure)[
                "chains"
            ],
            "outside-care": lambda: selectors.outside_care(filters=filters, disclosure=disclosure),
            "origin": lambda: selectors.origin(filters=filters, disclosure=disclosure),
            "bed-days-municipality": lambda: selectors.bed_days(
                filters=filters, disclosure=disclosure
            )["municipality"],
            "bed-days-region": lambda: selectors.bed_days(filters=filters, disclosure=disclosure)[
                "region"
            ],
            "bed-days-care-form": lambda: selectors.bed_days(
                filters=filters, disclosure=disclosure
            )["care_form"],
        }[table]()
        labelled = _labelled(data)
    writer.writerow(labelled["headers"])
    for row in labelled["rows"]:
        writer.writerow(row)
    if labelled["totals"]:
        writer.writerow([_("Totaal"), *labelled["totals"][1:]])
    return response
