from django.urls import URLPattern, URLResolver, path

from capacity import contract_views, views

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
    path("locaties/<int:location_id>/wijzigingen/", views.location_changes, name="changes"),
    path(
        "locaties/<int:location_id>/niet-inzetbaar/",
        views.set_unstaffed,
        name="set-unstaffed",
    ),
    path("wijzigingen/<int:change_id>/", views.change_detail, name="change"),
    path("wijzigingen/<int:change_id>/intrekken/", views.cancel_change, name="cancel-change"),
    path("contracten/", contract_views.contracts, name="contracts"),
    path(
        "contract-en-bezetting/",
        contract_views.contract_occupancy_page,
        name="contract-occupancy",
    ),
    path(
        "locaties/<int:location_id>/intensiteit/",
        contract_views.location_bands,
        name="location-bands",
    ),
]
