from django.urls import URLPattern, URLResolver, path

from capacity import api

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
        "capacity-changes/<int:pk>/cancel/",
        api.CapacityChangeCancelView.as_view(),
        name="api-capacity-change-cancel",
    ),
]
