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
    # Issue 21 points 2 and 3: expert tables, care outside coordination, escalation dossier.
    path(
        "referrals/<int:pk>/expert-tables/",
        api.ReferralExpertTables.as_view(),
        name="api-referral-expert-tables",
    ),
    path("expert-tables/<int:pk>/", api.ExpertTableDetail.as_view(), name="api-expert-table"),
    path(
        "referrals/<int:pk>/outside-placement/",
        api.ReferralOutsidePlacement.as_view(),
        name="api-referral-outside-placement",
    ),
    path("referrals/<int:pk>/dossier/", api.ReferralDossier.as_view(), name="api-referral-dossier"),
]
