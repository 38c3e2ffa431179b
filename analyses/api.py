"""API of analyses (CONTRACT.md, Reports): rebuild and the four reports, suppressed for the
analyst exactly as on the dashboard."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role, User
from accounts.permissions import has_role
from analyses import selectors, services
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
        description="`all` (default), a quarter `2026-Q1` or a month `2026-03`.",
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
    """A report: `built_at`, the filters applied and the tables. For analysts, counts 1–4
    are `"<5"` and totals or percentages that would reveal them are `"x"`. An unknown
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
    def report(self, filters: selectors.Filters, disclosure: Disclosure) -> dict[str, Any]:
        tables = selectors.refusals(filters=filters, disclosure=disclosure)
        return {"by_reason": _table(tables["reasons"]), "by_provider": _table(tables["providers"])}


class ReplacementsView(ReportView):
    def report(self, filters: selectors.Filters, disclosure: Disclosure) -> dict[str, Any]:
        tables = selectors.replacements(filters=filters, disclosure=disclosure)
        return {"by_provider": _table(tables["providers"]), "chains": _table(tables["chains"])}


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
