from django.urls import URLPattern, URLResolver, path

from conversations import views

app_name = "conversations"

urlpatterns: list[URLPattern | URLResolver] = [
    path("verzoek/<int:referral_id>/", views.referral_conversation, name="referral"),
    path("voorstel/<int:offer_id>/", views.offer_conversation, name="offer"),
]
