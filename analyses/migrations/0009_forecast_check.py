# Expected vacancies checked afterwards (issue 22.5): analyses.forecasts reads these rows.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("analyses", "0008_waiting_times"),
    ]

    operations = [
        migrations.CreateModel(
            name="ForecastCheckRow",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("period", models.CharField(max_length=10, verbose_name="periode")),
                ("region", models.CharField(blank=True, max_length=10, verbose_name="regio")),
                ("built_at", models.DateTimeField(verbose_name="gebouwd")),
                ("care_form", models.CharField(max_length=30, verbose_name="zorgvorm")),
                ("forecasts", models.PositiveIntegerField(verbose_name="verwachte vrije plekken")),
                ("came_true", models.PositiveIntegerField(verbose_name="uitgekomen")),
                ("ended_earlier", models.PositiveIntegerField(verbose_name="eerder vrijgekomen")),
                (
                    "ended_later",
                    models.PositiveIntegerField(verbose_name="later of nog niet vrijgekomen"),
                ),
                ("pending", models.PositiveIntegerField(verbose_name="nog niet te beoordelen")),
            ],
            options={
                "verbose_name": "verwachte vrije plek, uitgekomen? (rij)",
                "verbose_name_plural": "verwachte vrije plekken, uitgekomen? (rijen)",
                "ordering": ["period", "region", "care_form"],
                "indexes": [models.Index(fields=["period", "region"], name="forecast_check_scope")],
            },
        ),
    ]
