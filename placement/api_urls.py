from django.urls import URLPattern, URLResolver, path

from placement import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("referrals/<int:referral_id>/candidates/", api.CandidatesView.as_view()),
    path("referrals/<int:referral_id>/offers/", api.OfferCreateView.as_view()),
    path("referrals/<int:referral_id>/wait/", api.WaitView.as_view()),
    path("offers/", api.OfferListView.as_view()),
    path("offers/<int:pk>/", api.OfferDetailView.as_view()),
    path("offers/<int:offer_id>/accept/", api.OfferAcceptView.as_view()),
    path("offers/<int:offer_id>/refuse/", api.OfferRefuseView.as_view()),
    path("offers/<int:offer_id>/withdraw/", api.OfferWithdrawView.as_view()),
    path("offers/<int:offer_id>/cancel-acceptance/", api.OfferCancelAcceptanceView.as_view()),
    path("offers/<int:offer_id>/place/", api.OfferPlaceView.as_view()),
    path("offers/<int:offer_id>/intake-proposal/", api.OfferIntakeProposalView.as_view()),
    path("placements/", api.PlacementListView.as_view()),
    path("placements/<int:placement_id>/", api.PlacementDetailView.as_view()),
    path("placements/<int:placement_id>/risk/", api.PlacementRiskView.as_view()),
    path("placements/<int:placement_id>/end/", api.PlacementEndView.as_view()),
    path("placements/<int:placement_id>/cancel/", api.PlacementCancelView.as_view()),
]
