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
]
