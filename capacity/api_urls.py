from django.urls import URLPattern, URLResolver, path

from capacity import api, contract_api

urlpatterns: list[URLPattern | URLResolver] = [
    path("locations/", api.LocationListView.as_view(), name="api-location-list"),
    path("locations/<int:pk>/", api.LocationDetailView.as_view(), name="api-location-detail"),
    path(
        "locations/<int:pk>/confirm/",
        api.LocationConfirmView.as_view(),
        name="api-location-confirm",
    ),
    path(
        "locations/<int:pk>/unstaffed/",
        api.LocationUnstaffedView.as_view(),
        name="api-location-unstaffed",
    ),
    path(
        "locations/<int:pk>/changes/",
        api.LocationChangesView.as_view(),
        name="api-location-changes",
    ),
    path(
        "locations/<int:pk>/bands/",
        contract_api.LocationBandsView.as_view(),
        name="api-location-bands",
    ),
    path(
        "intensity-tariffs/",
        contract_api.IntensityTariffListView.as_view(),
        name="api-intensity-tariffs",
    ),
    path(
        "contracted-capacity/",
        contract_api.ContractedCapacityListView.as_view(),
        name="api-contracted-capacity",
    ),
    path(
        "contracted-capacity/<int:pk>/",
        contract_api.ContractedCapacityDetailView.as_view(),
        name="api-contracted-capacity-detail",
    ),
    path(
        "capacity-changes/<int:pk>/cancel/",
        api.CapacityChangeCancelView.as_view(),
        name="api-capacity-change-cancel",
    ),
]
