"""API of intensity tariffs, location bands and contracted capacity (issue 22). Thin:
selectors read, services write; bad input is a 400 naming the field."""

from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role, User
from accounts.permissions import has_role
from capacity.contract_selectors import bands_of_location, contract_for_user, contracts_for_user
from capacity.contract_selectors import tariffs as tariff_rows
from capacity.models import ContractedCapacity, IntensityTariff, Location, LocationBand
from capacity.selectors import location_for_user
from capacity.services import (
    contracted_capacity_delete,
    contracted_capacity_save,
    intensity_tariff_save,
    location_band_set,
    may_set_band,
)
from config.api import Pagination
from config.errors import ValidationFailed


def _caller(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _year_param(request: Request) -> int | None:
    raw = request.query_params.get("year") or None
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ValidationFailed({"year": [_("Vul een jaar in, bijvoorbeeld 2026.")]}) from None


class IntensityTariffSerializer(serializers.ModelSerializer[IntensityTariff]):
    class Meta:
        model = IntensityTariff
        fields = ["id", "year", "band", "hours_min", "hours_max", "tariff_per_day"]
        read_only_fields = fields


class IntensityTariffInput(serializers.Serializer[Any]):
    """Raw values: the service checks them all at once and names each bad field."""

    year = serializers.JSONField()
    band = serializers.JSONField()
    hours_min = serializers.JSONField()
    hours_max = serializers.JSONField()
    tariff_per_day = serializers.JSONField()


def _raw(request: Request, names: tuple[str, ...]) -> dict[str, Any]:
    data = request.data if isinstance(request.data, dict) else {}
    missing = [name for name in names if name not in data]
    if missing:
        raise ValidationFailed({name: [_("Dit veld is verplicht.")] for name in missing})
    return {name: data[name] for name in names}


class IntensityTariffListView(APIView):
    """GET /intensity-tariffs/ (?year=): the tariff table; POST: the administrator adds a row."""

    permission_classes = [has_role(Role.COORDINATOR, Role.PROVIDER, Role.ANALYST, Role.ADMIN)]

    @extend_schema(
        parameters=[OpenApiParameter("year", int)],
        responses={200: IntensityTariffSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        rows = tariff_rows(year=_year_param(request))
        return Response(IntensityTariffSerializer(rows, many=True).data)

    @extend_schema(request=IntensityTariffInput, responses={201: IntensityTariffSerializer})
    def post(self, request: Request) -> Response:
        if not _caller(request).is_functional_admin:
            raise Http404
        values = _raw(request, ("year", "band", "hours_min", "hours_max", "tariff_per_day"))
        row = intensity_tariff_save(by=_caller(request), **values)
        return Response(IntensityTariffSerializer(row).data, status=status.HTTP_201_CREATED)


class LocationBandSerializer(serializers.ModelSerializer[LocationBand]):
    class Meta:
        model = LocationBand
        fields = ["year", "band"]
        read_only_fields = fields


class LocationBandInput(serializers.Serializer[Any]):
    year = serializers.JSONField()
    band = serializers.JSONField(help_text=_("K … Z; leeg: klasse voor dit jaar verwijderen."))


class LocationBandsView(APIView):
    """GET /locations/{id}/bands/: the band per year; POST {year, band}: the region (a
    coordinator of one of the location's regions, the admin) sets it."""

    permission_classes = [has_role(Role.PROVIDER, Role.COORDINATOR, Role.ADMIN)]

    @extend_schema(responses={200: LocationBandSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        location = location_for_user(user=_caller(request), location_id=pk)
        if location is None:
            raise Http404
        return Response(
            LocationBandSerializer(bands_of_location(location=location), many=True).data
        )

    @extend_schema(request=LocationBandInput, responses={200: LocationBandSerializer(many=True)})
    def post(self, request: Request, pk: int) -> Response:
        location = Location.objects.filter(pk=pk).first()
        if location is None or not may_set_band(location=location, user=_caller(request)):
            raise Http404  # outside the caller's scope: 404 before any validation
        values = _raw(request, ("year", "band"))
        location_band_set(location=location, by=_caller(request), **values)
        return Response(
            LocationBandSerializer(bands_of_location(location=location), many=True).data
        )


class ContractedCapacitySerializer(serializers.ModelSerializer[ContractedCapacity]):
    provider = serializers.IntegerField(source="provider_id", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)

    class Meta:
        model = ContractedCapacity
        fields = ["id", "provider", "provider_name", "care_form", "year", "places", "updated_at"]
        read_only_fields = fields


class ContractedCapacityInput(serializers.Serializer[Any]):
    provider = serializers.JSONField(help_text=_("Id van de zorgaanbieder."))
    care_form = serializers.JSONField()
    year = serializers.JSONField()
    places = serializers.JSONField()


class ContractedCapacityListView(generics.GenericAPIView[ContractedCapacity]):
    """GET /contracted-capacity/ (?year=): the contracts the caller keeps; POST: record or
    change one (provider × care form × year). Coordinators of the provider's regions, admin."""

    permission_classes = [has_role(Role.COORDINATOR, Role.ADMIN)]
    pagination_class = Pagination
    serializer_class = ContractedCapacitySerializer
    queryset = ContractedCapacity.objects.none()  # for the schema; get() scopes per user

    @extend_schema(
        parameters=[OpenApiParameter("year", int)],
        responses={200: ContractedCapacitySerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        rows = contracts_for_user(user=_caller(request), year=_year_param(request))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ContractedCapacitySerializer(page, many=True).data)

    @extend_schema(request=ContractedCapacityInput, responses={201: ContractedCapacitySerializer})
    def post(self, request: Request) -> Response:
        values = _raw(request, ("provider", "care_form", "year", "places"))
        row = contracted_capacity_save(by=_caller(request), **values)
        row = contracts_for_user(user=_caller(request)).get(pk=row.pk)
        return Response(ContractedCapacitySerializer(row).data, status=status.HTTP_201_CREATED)


class ContractedCapacityDetailView(APIView):
    """DELETE /contracted-capacity/{id}/: remove a contract row."""

    permission_classes = [has_role(Role.COORDINATOR, Role.ADMIN)]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        contract = contract_for_user(user=_caller(request), contract_id=pk)
        if contract is None:
            raise Http404
        contracted_capacity_delete(contract=contract, by=_caller(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
