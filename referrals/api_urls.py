from django.urls import URLPattern, URLResolver, include, path

from referrals import api

urlpatterns: list[URLPattern | URLResolver] = [
    # The audit trail is accounts' (it owns AuditEntry); routed here to keep accounts/api_urls.py
    # free of edits from two issues at once.
    path("", include("accounts.audit_urls")),
    path("referrals/", api.ReferralListCreate.as_view(), name="api-referrals"),
    path("referrals/<int:pk>/", api.ReferralDetail.as_view(), name="api-referral"),
    path("referrals/<int:pk>/submit/", api.ReferralSubmit.as_view(), name="api-referral-submit"),
    path(
        "referrals/<int:pk>/request-info/",
        api.ReferralRequestInfo.as_view(),
        name="api-referral-request-info",
    ),
    path("referrals/<int:pk>/close/", api.ReferralClose.as_view(), name="api-referral-close"),
    path("referrals/<int:pk>/reopen/", api.ReferralReopen.as_view(), name="api-referral-reopen"),
    path(
        "referrals/<int:pk>/expert-table/",
        api.ReferralExpertTable.as_view(),
        name="api-referral-expert-table",
    ),
    path(
        "referrals/<int:pk>/start-matching/",
        api.ReferralStartMatching.as_view(),
        name="api-referral-start-matching",
    ),
]
