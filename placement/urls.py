from django.urls import URLPattern, URLResolver, path

from placement import views

app_name = "placement"

urlpatterns: list[URLPattern | URLResolver] = [
    path("bord/", views.board, name="board"),
    path("wachtlijst/", views.waiting_list, name="waiting-list"),
    path(
        "verzoeken/<int:referral_id>/matching/", views.referral_matching, name="referral-matching"
    ),
    path("verzoeken/<int:referral_id>/voorstel/", views.offer_send, name="offer-send"),
    path("verzoeken/<int:referral_id>/wachten/", views.referral_wait, name="referral-wait"),
    path("voorstellen/", views.offer_inbox, name="offer-inbox"),
    path("voorstellen/<int:offer_id>/", views.offer_detail, name="offer-detail"),
    path("voorstellen/<int:offer_id>/intrekken/", views.offer_withdraw, name="offer-withdraw"),
    path(
        "voorstellen/<int:offer_id>/acceptatie-annuleren/",
        views.offer_cancel_acceptance,
        name="offer-cancel-acceptance",
    ),
    path("voorstellen/<int:offer_id>/plaatsen/", views.placement_record, name="placement-record"),
    path(
        "voorstellen/<int:offer_id>/intake/",
        views.offer_propose_intake,
        name="offer-propose-intake",
    ),
    path("plaatsingen/", views.placement_list, name="placement-list"),
    path("plaatsingen/<int:placement_id>/", views.placement_detail, name="placement-detail"),
    path("plaatsingen/<int:placement_id>/plannen/", views.placement_plans, name="placement-plans"),
    path(
        "plaatsingen/<int:placement_id>/gevaar/",
        views.placement_flag_risk,
        name="placement-flag-risk",
    ),
    path(
        "plaatsingen/<int:placement_id>/gevaar/ondersteuning/",
        views.placement_risk_update,
        name="placement-risk-update",
    ),
    path(
        "plaatsingen/<int:placement_id>/annuleren/",
        views.placement_cancel,
        name="placement-cancel",
    ),
]
