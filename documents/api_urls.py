from django.urls import URLPattern, path

from documents import api

urlpatterns: list[URLPattern] = [
    path(
        "referrals/<int:pk>/documents/",
        api.ReferralDocuments.as_view(),
        name="api-referral-documents",
    ),
    path("documents/<int:pk>/", api.DocumentDetail.as_view(), name="api-document"),
    path(
        "documents/<int:pk>/download/",
        api.DocumentDownload.as_view(),
        name="api-document-download",
    ),
]
