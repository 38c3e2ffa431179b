"""API of the capacity register (CONTRACT.md: Capacity): list, read, correct, confirm."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role, User
from accounts.permissions import has_role
from capacity.models import CapacityChange, Location
from capacity.selectors import (
    LocationFilters,
    change_for_user,
    changes_for_location,
    is_stale,
    location_for_user,
    locations_for_user,
    with_staleness,
)
from capacity.services import (
    capacity_change_announce,
    capacity_change_cancel,
    location_confirm,
    location_set_free_places_by_id,
    location_set_unstaffed,
    may_announce_change,
)
from config.api import represent
from config.codes import CareForm, Expertise
from config.errors import ValidationFailed


class LocationSerializer(serializers.ModelSerializer[Location]):
    provider = serializers.IntegerField(source="provider_id", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    municipality = serializers.CharField(source="municipality.code", read_only=True)
    regions = serializers.SerializerMethodField()
    is_stale = serializers.BooleanField(read_only=True)
    offerable_places = serializers.IntegerField(read_only=True)

    class Meta:
        model = Location
        fields = [
            "id",
            "name",
            "provider",
            "provider_name",
            "municipality",
            "latitude",
            "longitude",
            "care_form",
            "expertise",
            "age_min",
            "age_max",
            "gender",
            "secured",
            "intensity",
            "school_on_site",
            "contra_indications",
            "regions",
            "total_places",
            "free_places",
            "held_places",
            "occupied_places",
            "unstaffed_places",
            "unstaffed_reason",
            "offerable_places",
            "last_confirmed_at",
            "is_stale",
            "is_active",
        ]
        read_only_fields = fields

    def get_regions(self, location: Location) -> list[str]:
        # The codes read with the location (the PATCH's locked read), else its prefetched
        # regions.
        codes = getattr(location, "region_codes", None)
        if codes is None:
            codes = [region.code for region in location.regions.all()]
        return sorted(codes)


class FreePlacesSerializer(serializers.Serializer[Any]):
    free_places = serializers.IntegerField(
        help_text=_("Het aantal vrije plaatsen nu."),
        error_messages={"invalid": _("Vul een geheel getal in.")},
    )

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            unknown = sorted(set(data) - {"free_places"})
            if unknown:
                raise ValidationFailed(
                    {
                        name: [_("Dit veld kan niet via de API worden gewijzigd.")]
                        for name in unknown
                    }
                )
        return super().to_internal_value(data)


def _caller(request: Request) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _bool_param(value: str | None) -> bool | None:
    if value is None or value == "":
        return None
    if value.lower() in {"1", "true", "ja", "yes"}:
        return True
    if value.lower() in {"0", "false", "nee", "no"}:
        return False
    raise ValidationFailed({"secured": [_("Kies true of false.")]})


def filters_from_query(params: Any) -> LocationFilters:
    """Read the overview filters from query parameters; bad values are 400s naming them."""
    errors: dict[str, list[str]] = {}
    care_form = params.get("care_form") or None
    if care_form and care_form not in CareForm.values:
        errors["care_form"] = [_("Onbekende zorgvorm: %(code)s.") % {"code": care_form}]
    expertise = params.get("expertise") or None
    if expertise and expertise not in Expertise.values:
        errors["expertise"] = [_("Onbekende expertise: %(code)s.") % {"code": expertise}]
    numbers: dict[str, int | None] = {}
    for name in ("age", "region"):
        raw = params.get(name) or None
        try:
            numbers[name] = int(raw) if raw is not None else None
        except ValueError:
            errors[name] = [_("Vul een geheel getal in.")]
            numbers[name] = None
    try:
        secured = _bool_param(params.get("secured"))
    except ValidationFailed as exc:
        errors.update(exc.errors)
        secured = None
    if errors:
        raise ValidationFailed(errors)
    return LocationFilters(
        care_form=care_form,
        expertise=expertise,
        age=numbers["age"],
        region=numbers["region"],
        secured=secured,
        only_free=(params.get("only_free") or "").lower() in {"1", "true", "ja", "yes"},
    )


LIST_PARAMETERS = [
    OpenApiParameter("care_form", str, enum=CareForm.values),
    OpenApiParameter("expertise", str, enum=Expertise.values),
    OpenApiParameter("age", int),
    OpenApiParameter("region", int),
    OpenApiParameter("secured", bool),
    OpenApiParameter("only_free", bool),
]


def visible_locations(request: Request) -> QuerySet[Location]:
    """What the caller may see, with everything the serializer reads loaded up front."""
    return (
        with_staleness(locations_for_user(user=_caller(request)))
        .select_related("provider", "municipality")
        .prefetch_related("regions")
        .order_by("provider__name", "name", "pk")
    )


class LocationListView(generics.ListAPIView[Location]):
    """GET /locations/: the provider's own locations; the coordinator's: all."""

    permission_classes = [has_role(Role.PROVIDER, Role.COORDINATOR)]
    serializer_class = LocationSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> Any:
        return filters_from_query(self.request.query_params).apply(visible_locations(self.request))

    @extend_schema(parameters=LIST_PARAMETERS)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)


class LocationDetailView(APIView):
    """GET /locations/{id}/; PATCH {free_places}: the location's own provider only."""

    permission_classes = [has_role(Role.PROVIDER, Role.COORDINATOR)]

    def _get(self, pk: int) -> Location:
        location = visible_locations(self.request).filter(pk=pk).first()
        if location is None:
            raise Http404
        return location

    @extend_schema(responses={200: LocationSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(LocationSerializer(self._get(pk)).data)

    @extend_schema(request=FreePlacesSerializer, responses={200: LocationSerializer})
    def patch(self, request: Request, pk: int) -> Response:
        user = _caller(request)
        if not user.is_provider:
            raise Http404  # a coordinator reads, but only the provider changes its figures
        serializer = FreePlacesSerializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except (serializers.ValidationError, ValidationFailed):
            self._get(pk)  # someone else's location is 404 whatever the body says
            raise
        # One locked read, scoped to the caller's provider (404 otherwise); the answer is
        # the committed row, so there is no read before and none after.
        location = location_set_free_places_by_id(
            location_id=pk, free_places=serializer.validated_data["free_places"], by=user
        )
        location.is_stale = is_stale(location=location)  # type: ignore[attr-defined]
        return Response(represent(LocationSerializer, location), status=status.HTTP_200_OK)


class LocationConfirmView(APIView):
    """POST /locations/{id}/confirm/: "still correct", refreshes last_confirmed_at."""

    permission_classes = [has_role(Role.PROVIDER)]

    @extend_schema(request=None, responses={200: LocationSerializer})
    def post(self, request: Request, pk: int) -> Response:
        location = visible_locations(request).filter(pk=pk).first()
        if location is None:
            raise Http404
        location_confirm(location=location, by=_caller(request))
        refreshed = visible_locations(request).get(pk=pk)
        return Response(LocationSerializer(refreshed).data, status=status.HTTP_200_OK)


class UnstaffedSerializer(serializers.Serializer[Any]):
    unstaffed_places = serializers.IntegerField(
        help_text=_("Vrije plaatsen die niet inzetbaar zijn (geen personeel)."),
        error_messages={"invalid": _("Vul een geheel getal in.")},
    )
    unstaffed_reason = serializers.CharField(allow_blank=True, required=False, default="")


class LocationUnstaffedView(APIView):
    """POST /locations/{id}/unstaffed/: mark free places "vrij maar niet inzetbaar"."""

    permission_classes = [has_role(Role.PROVIDER)]

    @extend_schema(request=UnstaffedSerializer, responses={200: LocationSerializer})
    def post(self, request: Request, pk: int) -> Response:
        location = visible_locations(request).filter(pk=pk).first()
        if location is None:
            raise Http404
        serializer = UnstaffedSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        location_set_unstaffed(
            location=location,
            unstaffed_places=serializer.validated_data["unstaffed_places"],
            reason=serializer.validated_data["unstaffed_reason"],
            by=_caller(request),
        )
        refreshed = visible_locations(request).get(pk=pk)
        return Response(LocationSerializer(refreshed).data, status=status.HTTP_200_OK)


class CapacityChangeSerializer(serializers.ModelSerializer[CapacityChange]):
    location = serializers.IntegerField(source="location_id", read_only=True)
    state = serializers.CharField(read_only=True)

    class Meta:
        model = CapacityChange
        fields = [
            "id",
            "location",
            "kind",
            "new_total",
            "effective_on",
            "reason",
            "note",
            "state",
            "announced_at",
            "partial_since",
            "applied_at",
            "cancelled_at",
        ]
        read_only_fields = fields


class CapacityChangeInputSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=CapacityChange.Kind.choices)
    new_total = serializers.IntegerField(
        required=False, allow_null=True, error_messages={"invalid": _("Vul een geheel getal in.")}
    )
    effective_on = serializers.DateField(
        error_messages={"invalid": _("Vul een geldige datum in (JJJJ-MM-DD).")}
    )
    reason = serializers.ChoiceField(choices=CapacityChange.ReasonCode.choices)
    note = serializers.CharField(allow_blank=True, required=False, default="")


def _announcing_location(request: Request, pk: int) -> Location:
    location = location_for_user(user=_caller(request), location_id=pk)
    if location is None or not may_announce_change(location=location, user=_caller(request)):
        raise Http404
    return location


class LocationChangesView(APIView):
    """GET /locations/{id}/changes/: the announced changes (history); POST: announce one."""

    permission_classes = [has_role(Role.PROVIDER, Role.COORDINATOR)]

    @extend_schema(responses={200: CapacityChangeSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        location = _announcing_location(request, pk)
        changes = changes_for_location(location=location)
        return Response(CapacityChangeSerializer(changes, many=True).data)

    @extend_schema(request=CapacityChangeInputSerializer, responses={201: CapacityChangeSerializer})
    def post(self, request: Request, pk: int) -> Response:
        location = _announcing_location(request, pk)
        serializer = CapacityChangeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        change = capacity_change_announce(
            location=location, by=_caller(request), **serializer.validated_data
        )
        return Response(CapacityChangeSerializer(change).data, status=status.HTTP_201_CREATED)


class CapacityChangeCancelView(APIView):
    """POST /capacity-changes/{id}/cancel/: withdraw an announced change before it applies."""

    permission_classes = [has_role(Role.PROVIDER, Role.COORDINATOR)]

    @extend_schema(request=None, responses={200: CapacityChangeSerializer})
    def post(self, request: Request, pk: int) -> Response:
        change = change_for_user(user=_caller(request), change_id=pk)
        if change is None:
            raise Http404
        change = capacity_change_cancel(change=change, by=_caller(request))
        return Response(CapacityChangeSerializer(change).data, status=status.HTTP_200_OK)
