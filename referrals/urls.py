from django.urls import URLPattern, URLResolver, path

from referrals import views

app_name = "referrals"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.referral_list, name="list"),
    path("new/", views.referral_new, name="new"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/edit/<str:step>/", views.referral_edit, name="edit"),
    path("<int:pk>/submit/", views.referral_submit, name="submit"),
    path("<int:pk>/action/<str:action>/", views.referral_action, name="action"),
    path("<int:pk>/close/", views.referral_close, name="close"),
    path("<int:pk>/reopen/", views.referral_reopen, name="reopen"),
]
