from django.urls import URLPattern, URLResolver, path

from capacity import views

app_name = "capacity"

urlpatterns: list[URLPattern | URLResolver] = [
    path("mijn-locaties/", views.my_locations, name="my-locations"),
    path("mijn-locaties/alles-bevestigen/", views.confirm_all, name="confirm-all"),
    path(
        "locaties/<int:location_id>/vrije-plaatsen/",
        views.adjust_free_places,
        name="adjust-free-places",
    ),
    path("locaties/<int:location_id>/bevestigen/", views.confirm_location, name="confirm"),
    path("locaties/<int:location_id>/profiel/", views.edit_profile, name="profile"),
    path("overzicht/", views.overview, name="overview"),
]
