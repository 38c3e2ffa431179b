"""API of the KPI catalogue (issue 23 point 6): the catalogue itself, the shape of a KPI in
`GET /reports/kpis/`, and the targets (kept by the functional administrator and by
coordinators for their regions). Thin: analyses.catalogue reads, target_services writes."""

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role, User
from accounts.permissions import has_role
from analyses import catalogue
from analyses.models import KpiTarget
from analyses.target_services import kpi_target_delete, kpi_target_save
from config.api import Pagination
from config.errors import ValidationFailed

UNITS = [catalogue.PERCENT, catalogue.DAYS, catalogue.RATIO, catalogue.COUNT]
DIRECTIONS = [catalogue.HIGHER, catalogue.LOWER]


def _caller(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


class CatalogueEntryOut(serializers.Serializer[Any]):
    code = serializers.ChoiceField(choices=catalogue.CODES)
    name = serializers.CharField()
    definition = serializers.CharField()
    formula = serializers.CharField(help_text="The numerator / denominator in words.")
    numerator = serializers.CharField()
    denominator = serializers.CharField()
    # `source` and `label` are also Field attributes: declared fields all the same.
    source = serializers.CharField(  # type: ignore[assignment]
        help_text="The tables and events the figure is built from."
    )
    period = serializers.CharField(help_text="How the chosen period applies.")
    unit = serializers.ChoiceField(choices=UNITS)
    unit_label = serializers.CharField()
    direction = serializers.ChoiceField(choices=DIRECTIONS, help_text="Which way is better.")
    direction_label = serializers.CharField()


class CatalogueOut(serializers.Serializer[Any]):
    kpis = CatalogueEntryOut(many=True)


class KpiChangeOut(serializers.Serializer[Any]):
    delta = serializers.FloatField(help_text="value − previous (percentage points for a %).")
    direction = serializers.ChoiceField(choices=["up", "down", "same"])
    text = serializers.CharField(help_text="The change in words (Dutch), for screen readers.")


class KpiFigureOut(serializers.Serializer[Any]):
    """One KPI of `GET /reports/kpis/`: the figure (a number, `"<5"`, `"x"` or null) with
    the catalogue's text and the target that applies to the region and the period's year."""

    code = serializers.ChoiceField(choices=catalogue.CODES)
    label = serializers.CharField()  # type: ignore[assignment]
    value = serializers.JSONField()
    description = serializers.CharField(help_text="The definition (kept for older clients).")
    definition = serializers.CharField()
    formula = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]
    period_rule = serializers.CharField()
    unit = serializers.ChoiceField(choices=UNITS)
    direction = serializers.ChoiceField(choices=DIRECTIONS)
    target = serializers.FloatField(allow_null=True)
    target_note = serializers.CharField()
    target_met = serializers.BooleanField(
        allow_null=True,
        help_text="null without a target or a number, and when a care form is chosen "
        "(targets hold for every care form together).",
    )
    # Issue 23.2: the same KPI in the period before (month, quarter, year or range of equal
    # length just before; none for `all`), disclosed like `value`.
    previous = serializers.JSONField(
        allow_null=True, help_text='The figure in the period before (a number, "<5", "x" or null).'
    )
    previous_period = serializers.CharField(
        allow_null=True, help_text="The period code before (null for `all`)."
    )
    change = KpiChangeOut(allow_null=True, help_text="null unless both figures are numbers.")


class KpisOut(serializers.Serializer[Any]):
    built_at = serializers.DateTimeField(allow_null=True)
    filters = serializers.DictField(child=serializers.CharField())
    kpis = KpiFigureOut(many=True)
    occupancy = serializers.ListField(child=serializers.DictField())


class KpiCatalogueView(APIView):
    """GET /reports/kpi-catalogue/: every KPI with its definition, formula, source, period
    rule, unit and direction (no figures)."""

    permission_classes = [has_role(Role.COORDINATOR, Role.ANALYST, Role.ADMIN)]

    @extend_schema(responses={200: CatalogueOut})
    def get(self, request: Request) -> Response:
        return Response({"kpis": catalogue.catalogue()})


class KpiTargetOut(serializers.ModelSerializer[KpiTarget]):
    region: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )

    class Meta:
        model = KpiTarget
        fields = ["id", "region", "code", "year", "target", "note", "updated_at"]
        read_only_fields = fields


class KpiTargetIn(serializers.Serializer[Any]):
    """Raw values: the service checks them all at once and names each bad field."""

    region = serializers.JSONField(
        required=False, help_text="A region code; empty or null = every region (admin only)."
    )
    code = serializers.JSONField(help_text="A KPI code of the catalogue.")
    year = serializers.JSONField()
    target = serializers.JSONField(help_text="0 or more; a percentage at most 100.")
    note = serializers.JSONField(required=False)


FIELDS = ("region", "code", "year", "target", "note")


class KpiTargetListView(APIView):
    """GET /reports/kpi-targets/ (?year=): the targets the caller keeps; POST: set or change
    one (region × KPI × year). The administrator (every region) and coordinators (theirs)."""

    permission_classes = [has_role(Role.COORDINATOR, Role.ADMIN)]

    @extend_schema(
        parameters=[OpenApiParameter("year", int, required=False)],
        responses={200: KpiTargetOut(many=True)},
    )
    def get(self, request: Request) -> Response:
        rows = catalogue.targets_for_user(user=_caller(request))
        raw = request.query_params.get("year")
        if raw:
            if not raw.isdigit():
                raise ValidationFailed({"year": [_("Vul een jaar in, bijvoorbeeld 2026.")]})
            rows = rows.filter(year=int(raw))
        paginator = Pagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(KpiTargetOut(page, many=True).data)

    @extend_schema(request=KpiTargetIn, responses={201: KpiTargetOut})
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        unknown = sorted(set(data) - set(FIELDS))
        if unknown:
            raise ValidationFailed({name: [_("Onbekend veld.")] for name in unknown})
        row = kpi_target_save(
            by=_caller(request),
            region=data.get("region"),
            code=data.get("code"),
            year=data.get("year"),
            target=data.get("target"),
            note=data.get("note") if data.get("note") is not None else "",
        )
        return Response(KpiTargetOut(row).data, status=status.HTTP_201_CREATED)


class KpiTargetDetailView(APIView):
    """DELETE /reports/kpi-targets/{id}/: remove a target the caller keeps."""

    permission_classes = [has_role(Role.COORDINATOR, Role.ADMIN)]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        target = catalogue.targets_for_user(user=_caller(request)).filter(pk=pk).first()
        if target is None:
            raise Http404
        kpi_target_delete(target=target, by=_caller(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
