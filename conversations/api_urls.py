from django.urls import URLPattern, URLResolver, path

from conversations import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("referrals/<int:referral_id>/messages/", api.ReferralMessagesView.as_view()),
    path("referrals/<int:referral_id>/messages/read/", api.ReferralMessagesReadView.as_view()),
    path("offers/<int:offer_id>/messages/", api.OfferMessagesView.as_view()),
    path("offers/<int:offer_id>/messages/read/", api.OfferMessagesReadView.as_view()),
]
