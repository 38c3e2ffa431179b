"""API of analyses (CONTRACT.md, Reports): rebuild and the four reports, suppressed for the
analyst exactly as on the dashboard."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role, User
from accounts.permissions import has_role
from analyses import refusals, selectors, services
from analyses.catalogue_api import KpisOut
from analyses.disclosure import Disclosure, Pivot, Table

PERMISSIONS = [has_role(Role.COORDINATOR, Role.ANALYST)]


def _table(table: Table) -> dict[str, Any]:
    return {"rows": table.rows, "totals": table.totals}


def _pivot(pivot: Pivot) -> dict[str, Any]:
    return {
        "needed": pivot.row_keys,
        "delivered": pivot.col_keys,
        "cells": [
            {"needed": r, "delivered": c, "placements": pivot.cells[(r, c)]}
            for r in pivot.row_keys
            for c in pivot.col_keys
        ],
        "needed_totals": pivot.row_totals,
        "delivered_totals": pivot.col_totals,
        "total": pivot.grand_total,
    }


FILTER_PARAMETERS = [
    OpenApiParameter(
        "period",
        str,
        required=False,
        description="`all` (default), a year `2026`, a quarter `2026-Q1`, a month `2026-03`, "
        "a range of whole months `2026-02..2026-07`, or `range` with `from` and `to`. A year "
        "or range adds up its months; its medians and percentiles are null (available per "
        "month, quarter or for `all`). Alias `periode`.",
    ),
    OpenApiParameter(
        "from",
        str,
        required=False,
        description="First month `YYYY-MM` of a range (with `to`; alias `van`); used when "
        "`period` is `range` or absent. 400 naming `from`/`to`: half a range, `from` after "
        "`to`, a month in the future, more than 36 months.",
    ),
    OpenApiParameter(
        "to", str, required=False, description="Last month `YYYY-MM` of a range (alias `tot`)."
    ),
    OpenApiParameter(
        "region",
        str,
        required=False,
        description="A region code; none = every region (a coordinator: its own region "
        "unless it works for every region). A coordinator gets 404 for another region.",
    ),
    OpenApiParameter("care_form", str, required=False, description="A care form code."),
]


class RebuildOut(serializers.Serializer):
    run = serializers.IntegerField()
    state = serializers.CharField()


class ReportView(APIView):
    """A report: `built_at`, the filters applied and the tables. For analysts every count
    and total is rounded to base 5 (0–4 as `"<5"`), percentages come from the rounded
    counts, and a median or percentage over `"<5"` is `"x"`. An unknown
    filter value is a 400 naming the field; a region outside a coordinator's scope a 404."""

    permission_classes = PERMISSIONS

    def report(self, filters: selectors.Filters, disclosure: Disclosure) -> dict[str, Any]:
        raise NotImplementedError

    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        scope = selectors.report_scope(user=user, query=request.query_params)
        body = {
            "built_at": selectors.built_at(),
            "filters": scope.filters.as_dict(),
            **self.report(scope.filters, scope.disclosure),
        }
        return Response(body)


class UnmetNeedView(ReportView):
    def report(self, filters: selectors.Filters, disclosure: Disclosure) -> dict[str, Any]:
        return {
            "profiles": _table(selectors.unmet_need(filters=filters, disclosure=disclosure)),
            "needed_delivered": _pivot(
                selectors.need_matrix(filters=filters, disclosure=disclosure)
            ),
        }


class RefusalsView(ReportView):
    """Refusals: `by_reason`, `by_provider` (answers per provider), and (issue 23)
    `by_provider_reason`, `by_care_form_reason`, `by_concern_reason`: pivots of refusals
    per row × reason, each row with its `main_reason` and `main_reason_share` (%). With
    `provider` every table is narrowed to that provider."""

    @extend_schema(
        parameters=[
            *FILTER_PARAMETERS,
            OpenApiParameter(
                "provider",
                int,
                required=False,
                description="A provider organisation's id: every table narrowed to it. "
                "400 naming `provider` for an unknown id or a provider without an active "
                "location in the caller's regions.",
            ),
        ],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        scope = selectors.report_scope(user=user, query=request.query_params)
        provider = refusals.provider_filter(scope=scope, query=request.query_params)
        report = refusals.refusal_report(
            filters=scope.filters, disclosure=scope.disclosure, provider=provider
        )
        body = {
            "built_at": selectors.built_at(),
            "filters": {**scope.filters.as_dict(), "provider": provider.pk if provider else None},
            "by_reason": _table(report.reasons),
            "by_provider": _table(report.providers),
            "by_provider_reason": report.by_provider.as_dict(),
            "by_care_form_reason": report.by_care_form.as_dict(),
            "by_concern_reason": report.by_concern.as_dict(),
        }
        return Response(body)


class ReplacementsView(ReportView):
    def report(self, filters: selectors.Filters, disclosure: Disclosure) -> dict[str, Any]:
        tables = selectors.replacements(filters=filters, disclosure=disclosure)
        return {"by_provider": _table(tables["providers"]), "chains": _table(tables["chains"])}


@extend_schema_view(
    get=extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={200: KpisOut, 400: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT},
    )
)
class KpisView(ReportView):
    def report(self, filters: selectors.Filters, disclosure: Disclosure) -> dict[str, Any]:
        occupancy = [
            {k: v for k, v in row.items() if not k.startswith("_")}
            for row in selectors.occupancy(filters=filters, disclosure=disclosure)
        ]
        return {
            "kpis": selectors.kpis(filters=filters, disclosure=disclosure),
            "occupancy": occupancy,
        }


class RebuildView(APIView):
    permission_classes = PERMISSIONS

    @extend_schema(request=None, responses={202: RebuildOut})
    def post(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        run = services.report_run_request(by=user)
        return Response({"run": run.pk, "state": run.state}, status=status.HTTP_202_ACCEPTED)
