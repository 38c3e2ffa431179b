"""API of issue 23.5: waiting times by step with the waiting on a reference date, and the
data-quality counts; suppressed for the analyst exactly as on the pages."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from analyses import selectors, waiting
from analyses.api import FILTER_PARAMETERS, PERMISSIONS
from analyses.waiting_views import waiting_request

ANSWERS = {200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT}


class WaitingTimesView(APIView):
    """Per step (submitted → matching → first offer → acceptance → placement, and the whole
    wait): the referrals that passed it in the period, median and 90th percentile days; and
    the referrals waiting at the end of `reference_date`, per care form × urgency with the
    median days waited so far. For analysts counts 1–4 are `"<5"`, margins that would reveal
    them `"x"`."""

    permission_classes = PERMISSIONS

    @extend_schema(
        parameters=[
            *FILTER_PARAMETERS,
            OpenApiParameter(
                "urgency", str, required=False, description="`planned`, `urgent` or `crisis`."
            ),
            OpenApiParameter(
                "reference_date",
                OpenApiTypes.DATE,
                required=False,
                description="YYYY-MM-DD (alias `peildatum`), default today; not in the future "
                "and not before the first referral.",
            ),
        ],
        responses=ANSWERS,
    )
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        found = waiting_request(user=user, query=request.query_params)
        scope, urgency, day = found["scope"], found["urgency"], found["day"]
        filters, disclosure = scope.filters, scope.disclosure
        steps = waiting.waiting_times(filters=filters, urgency=urgency, disclosure=disclosure)
        result = waiting.waiting_on(day=day, region=filters.region, disclosure=disclosure)
        pivot = result.pivot
        body: dict[str, Any] = {
            "built_at": selectors.built_at(),
            "filters": {**filters.as_dict(), "urgency": urgency},
            "steps": [
                {k: row[k] for k in ("step_code", "referrals", "median_days", "p90_days")}
                for row in steps.rows
            ],
            "waiting_on": {
                "reference_date": day,
                "cells": [
                    {"care_form": r, "urgency": c, "referrals": pivot.cells[(r, c)]}
                    for r in pivot.row_keys
                    for c in pivot.col_keys
                ],
                "care_form_totals": pivot.row_totals,
                "urgency_totals": pivot.col_totals,
                "total": pivot.grand_total,
                "care_form_median_days": result.row_medians,
                "urgency_median_days": result.col_medians,
                "median_days": result.median,
            },
        }
        return Response(body)


class DataQualityView(APIView):
    """Data-quality counts now: stale capacity, requests without outcome, VAs past their
    age, missing codes. Counts of youths suppressed for analysts; locations exact."""

    permission_classes = PERMISSIONS

    @extend_schema(parameters=[FILTER_PARAMETERS[1]], responses=ANSWERS)
    def get(self, request: Request) -> Response:
        user = request.user
        assert isinstance(user, User)
        scope = selectors.report_scope(user=user, query=request.query_params)
        checks = waiting.data_quality(region=scope.filters.region, disclosure=scope.disclosure)
        return Response(
            {
                "region": scope.filters.region,
                "checks": [
                    {k: c[k] for k in ("code", "label", "definition", "count")} for c in checks
                ],
            }
        )
