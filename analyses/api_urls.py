from django.urls import URLPattern, URLResolver, path

from analyses import api, api_evaluation, catalogue_api, forecasts, waiting_api

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/rebuild/", api.RebuildView.as_view()),
    path("reports/unmet-need/", api.UnmetNeedView.as_view()),
    path("reports/refusals/", api.RefusalsView.as_view()),
    path("reports/replacements/", api.ReplacementsView.as_view()),
    path("reports/kpis/", api.KpisView.as_view()),
    path("reports/evaluation/", api_evaluation.EvaluationView.as_view()),
    # Issue 22.5: expected vacancies checked afterwards (analyses/forecasts.py).
    path("reports/forecasts/", forecasts.ForecastsView.as_view()),
    path("reports/waiting-times/", waiting_api.WaitingTimesView.as_view()),
    path("reports/data-quality/", waiting_api.DataQualityView.as_view()),
    # Issue 23 point 6: the KPI catalogue and its targets (analyses/catalogue_api.py).
    path("reports/kpi-catalogue/", catalogue_api.KpiCatalogueView.as_view()),
    path("reports/kpi-targets/", catalogue_api.KpiTargetListView.as_view()),
    path("reports/kpi-targets/<int:pk>/", catalogue_api.KpiTargetDetailView.as_view()),
]
