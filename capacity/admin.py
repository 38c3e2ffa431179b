"""Admin of locations (counts read-only: they change through the services) and their history."""

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.forms.models import construct_instance
from django.http import HttpRequest

from accounts.models import User
from capacity.models import (
    CapacityEvent,
    ContractedCapacity,
    IntensityTariff,
    Location,
    LocationBand,
)
from capacity.services import (
    PROFILE_FIELDS,
    contracted_capacity_save,
    intensity_tariff_check,
    intensity_tariff_save,
    location_band_set,
    location_create,
    location_update_profile,
    profile_errors,
)
from config.errors import ValidationFailed

COUNT_FIELDS = ("free_places", "held_places", "occupied_places", "last_confirmed_at")


class LocationAdminForm(ModelForm[Location]):
    class Meta:
        model = Location
        fields = [
            "provider",
            "name",
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
            "occupied_places",
            "is_active",
        ]

    def clean(self) -> dict[str, Any]:
        """The services' rules, so that a bad profile is a form error, not a failed save."""
        cleaned = super().clean() or {}
        values = {
            field: cleaned.get(field, getattr(self.instance, field, None))
            for field in PROFILE_FIELDS
            if field != "regions"
        }
        for field, field_messages in profile_errors(values).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, field_messages)
        return cleaned

    def _post_clean(self) -> None:
        # The model's own validation would check the count constraint against the
        # read-only counts; the services keep the counts right instead (see save_model).
        self.instance = construct_instance(
            self, self.instance, self._meta.fields, self._meta.exclude
        )


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin[Location]):
    form = LocationAdminForm
    list_display = [
        "name",
        "provider",
        "care_form",
        "total_places",
        "free_places",
        "held_places",
        "occupied_places",
        "last_confirmed_at",
        "is_active",
    ]
    list_filter = ["care_form", "secured", "is_active", "provider"]
    search_fields = ["name", "provider__name"]
    list_select_related = ["provider"]
    filter_horizontal = ["regions"]

    def get_readonly_fields(self, request: HttpRequest, obj: Location | None = None) -> Any:
        if obj is None:
            return ["free_places", "held_places", "last_confirmed_at", "created_at"]
        return [*COUNT_FIELDS, "provider", "created_at"]

    def save_model(self, request: HttpRequest, obj: Location, form: Any, change: bool) -> None:
        user = request.user
        assert isinstance(user, User)
        data = {k: v for k, v in form.cleaned_data.items() if k in PROFILE_FIELDS}
        data.pop("regions", None)  # saved by save_related
        if change:
            location_update_profile(location=obj, by=user, **data)
            return
        created = location_create(
            provider=form.cleaned_data["provider"],
            by=user,
            occupied_places=form.cleaned_data.get("occupied_places") or 0,
            **data,
        )
        obj.pk = created.pk
        for field in ("total_places", "free_places", "occupied_places", "created_at"):
            setattr(obj, field, getattr(created, field))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: offers, placements and history refer to it


@admin.register(CapacityEvent)
class CapacityEventAdmin(admin.ModelAdmin[CapacityEvent]):
    list_display = [
        "at",
        "location",
        "reason",
        "by",
        "free_before",
        "free_after",
        "held_after",
        "occupied_after",
        "total_after",
    ]
    list_filter = ["reason"]
    search_fields = ["location__name"]
    list_select_related = ["location", "location__provider", "by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class IntensityTariffAdminForm(ModelForm[IntensityTariff]):
    class Meta:
        model = IntensityTariff
        fields = ["year", "band", "hours_min", "hours_max", "tariff_per_day"]

    def clean(self) -> dict[str, Any]:
        """The service's rules (a negative tariff, hours out of order) as form errors."""
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            intensity_tariff_check(
                year=cleaned.get("year"),
                band=cleaned.get("band"),
                hours_min=cleaned.get("hours_min"),
                hours_max=cleaned.get("hours_max"),
                tariff_per_day=cleaned.get("tariff_per_day"),
                tariff=self.instance if self.instance.pk else None,
            )
        except ValidationFailed as exc:
            for field, field_messages in exc.errors.items():
                self.add_error(field if field in self.fields else None, field_messages)
        return cleaned


@admin.register(IntensityTariff)
class IntensityTariffAdmin(admin.ModelAdmin[IntensityTariff]):
    form = IntensityTariffAdminForm
    list_display = ["year", "band", "hours_min", "hours_max", "tariff_per_day"]
    list_filter = ["year"]
    ordering = ["-year", "band"]

    def save_model(
        self, request: HttpRequest, obj: IntensityTariff, form: Any, change: bool
    ) -> None:
        user = request.user
        assert isinstance(user, User)
        data = form.cleaned_data
        saved = intensity_tariff_save(
            by=user,
            year=data["year"],
            band=data["band"],
            hours_min=data["hours_min"],
            hours_max=data["hours_max"],
            tariff_per_day=data["tariff_per_day"],
            tariff=obj if change else None,
        )
        obj.pk = saved.pk


@admin.register(LocationBand)
class LocationBandAdmin(admin.ModelAdmin[LocationBand]):
    list_display = ["location", "year", "band"]
    list_filter = ["year", "band"]
    search_fields = ["location__name", "location__provider__name"]
    list_select_related = ["location", "location__provider"]
    raw_id_fields = ["location"]

    def save_model(self, request: HttpRequest, obj: LocationBand, form: Any, change: bool) -> None:
        user = request.user
        assert isinstance(user, User)
        location_band_set(location=obj.location, year=obj.year, band=obj.band, by=user)
        saved = LocationBand.objects.get(location=obj.location, year=obj.year)
        obj.pk = saved.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # set the band to another value, or remove it through the service


@admin.register(ContractedCapacity)
class ContractedCapacityAdmin(admin.ModelAdmin[ContractedCapacity]):
    list_display = ["year", "provider", "care_form", "places", "updated_at"]
    list_filter = ["year", "care_form"]
    search_fields = ["provider__name"]
    list_select_related = ["provider"]
    fields = ["provider", "care_form", "year", "places"]

    def save_model(
        self, request: HttpRequest, obj: ContractedCapacity, form: Any, change: bool
    ) -> None:
        user = request.user
        assert isinstance(user, User)
        saved = contracted_capacity_save(
            by=user,
            provider=obj.provider_id,
            care_form=obj.care_form,
            year=obj.year,
            places=obj.places,
        )
        obj.pk = saved.pk
