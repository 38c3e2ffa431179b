from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import audit_views, job_views, security_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", security_views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/tweestapsverificatie/", security_views.two_factor, name="two-factor"),
    path(
        "accounts/tweestapsverificatie/instellen/",
        security_views.two_factor_enrol,
        name="two-factor-enrol",
    ),
    path(
        "accounts/tweestapsverificatie/herstelcodes/",
        security_views.recovery_codes_renew,
        name="recovery-codes-renew",
    ),
    path("accounts/api-sleutels/", security_views.api_keys, name="api-keys"),
    path(
        "accounts/api-sleutels/<int:token_id>/intrekken/",
        security_views.api_key_revoke,
        name="api-key-revoke",
    ),
    path("audit/", audit_views.audit_search, name="audit-search"),
    path("audit/verzoek/<int:referral_id>/", audit_views.audit_trail, name="audit-trail"),
    path(
        "audit/verzoek/<int:referral_id>/csv/",
        audit_views.audit_trail_csv,
        name="audit-trail-csv",
    ),
    path("achtergrondtaken/", job_views.job_list, name="jobs"),
    path("meldingen/", views.notification_list, name="notifications"),
    path("meldingen/gelezen/", views.notification_read, name="notifications-read-all"),
    path("meldingen/instellen/", views.notification_settings, name="notification-settings"),
    path(
        "meldingen/<int:notification_id>/gelezen/",
        views.notification_read,
        name="notification-read",
    ),
]
