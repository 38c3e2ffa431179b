from django.urls import URLPattern, path

from documents import views

app_name = "documents"

urlpatterns: list[URLPattern] = [
    path("verzoek/<int:pk>/", views.referral_documents, name="referral"),
    path("<int:pk>/download/", views.document_download, name="download"),
    path("<int:pk>/delen/", views.document_share, name="share"),
    path("<int:pk>/verwijderen/", views.document_remove, name="remove"),
]
