from django.urls import URLPattern, URLResolver, path

from analyses import catalogue_views, refusal_views, views, views_evaluation, waiting_views

app_name = "analyses"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.dashboard, name="dashboard"),
    path("opnieuw-opbouwen/", views.rebuild, name="rebuild"),
    path("opbouw/", views.run_status, name="run-status"),
    path("export/<slug:table>.csv", views.export, name="export"),
    path("weigeringen/", refusal_views.refusals_page, name="refusals"),
    # Issue 23: the three-monthly evaluation (analyses/views_evaluation.py).
    path("mijn-cijfers/", views_evaluation.my_figures, name="my-figures"),
    path("evaluatie/", views_evaluation.evaluation_page, name="evaluation"),
    path(
        "evaluatie/pakket.<slug:fmt>",
        views_evaluation.evaluation_export,
        name="evaluation-export",
    ),
    # Issue 23 point 6: the KPI catalogue and its targets (analyses/catalogue_views.py).
    path("kengetallen/", catalogue_views.kpi_catalogue, name="kpi-catalogue"),
    path("kengetallen/streefwaarden/", catalogue_views.kpi_targets, name="kpi-targets"),
    path(
        "kengetallen/streefwaarden/<int:target_id>/verwijderen/",
        catalogue_views.kpi_target_remove,
        name="kpi-target-remove",
    ),
    # Issue 23 point 5: waiting times and data quality (analyses/waiting_views.py).
    path("wachttijden/", waiting_views.waiting_times, name="waiting-times"),
    path(
        "wachttijden/export/<slug:table>.csv",
        waiting_views.waiting_export,
        name="waiting-export",
    ),
    path("datakwaliteit/", waiting_views.data_quality, name="data-quality"),
    path(
        "datakwaliteit/<slug:check>/",
        waiting_views.data_quality_list,
        name="data-quality-list",
    ),
]
