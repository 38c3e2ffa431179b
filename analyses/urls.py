from django.urls import URLPattern, URLResolver, path

from analyses import views

app_name = "analyses"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("opnieuw-opbouwen/", views.rebuild, name="rebuild"),
    path("opbouw/", views.run_status, name="run-status"),
    path("export/<slug:table>.csv", views.export, name="export"),
]
