from django.urls import URLPattern, URLResolver, path

from analyses import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/rebuild/", api.RebuildView.as_view()),
    path("reports/unmet-need/", api.UnmetNeedView.as_view()),
    path("reports/refusals/", api.RefusalsView.as_view()),
    path("reports/replacements/", api.ReplacementsView.as_view()),
    path("reports/kpis/", api.KpisView.as_view()),
]
