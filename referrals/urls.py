from django.urls import URLPattern, URLResolver, path

from referrals import expert_views, print_views, views

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
    # PDFs of issue 20 point 5 (referrals/print_views.py).
    path("<int:pk>/afdrukken/anoniem/", print_views.print_anonymised, name="print-anonymised"),
    path("<int:pk>/afdrukken/volledig/", print_views.print_full, name="print-full"),
    # Issue 21 points 2 and 3 (referrals/expert_views.py).
    path("<int:pk>/experttafel/nieuw/", expert_views.expert_table_new, name="expert-table-new"),
    path(
        "<int:pk>/experttafel/<int:table_id>/",
        expert_views.expert_table_edit,
        name="expert-table-edit",
    ),
    path(
        "<int:pk>/buiten-coordinatie/",
        expert_views.outside_placement_edit,
        name="outside-placement-edit",
    ),
    path("<int:pk>/dossier/", expert_views.dossier_page, name="dossier"),
    path("<int:pk>/dossier/pdf/", expert_views.dossier_pdf, name="dossier-pdf"),
]
