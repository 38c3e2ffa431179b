# Care outside coordination (issue 21, point 2). Written by hand from makemigrations' output
# so that it holds only this model while other helpers change the same apps.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0010_app_role_privileges"),
        ("placement", "0008_placement_life"),
        ("referrals", "0006_urgency_crisis_origin"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="OutsidePlacement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "provider_name",
                    models.CharField(
                        blank=True, max_length=200, verbose_name="aanbieder buiten het contract"
                    ),
                ),
                ("contracted", models.BooleanField(default=True, verbose_name="gecontracteerd")),
                (
                    "arrangement",
                    models.CharField(
                        choices=[
                            ("regular", "regulier aanbod"),
                            ("maatwerk", "maatwerkconstructie"),
                            ("one_to_one", "één-op-éénbegeleiding"),
                        ],
                        max_length=20,
                        verbose_name="arrangement",
                    ),
                ),
                (
                    "cost_per_day",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=8,
                        null=True,
                        verbose_name="kosten per dag (€)",
                    ),
                ),
                ("start_date", models.DateField(verbose_name="startdatum")),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            (
                                "no_fitting_place",
                                "geen passende plek in het gecontracteerde aanbod",
                            ),
                            ("crisis", "crisis"),
                            ("court_decision", "beslissing van de rechter"),
                            ("family_choice", "keuze van het gezin"),
                            ("other", "anders"),
                        ],
                        max_length=20,
                        verbose_name="reden",
                    ),
                ),
                (
                    "reason_note",
                    models.CharField(
                        blank=True, max_length=500, verbose_name="toelichting op de reden"
                    ),
                ),
                (
                    "recorded_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="vastgelegd op"
                    ),
                ),
                (
                    "updated_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="gewijzigd"
                    ),
                ),
                (
                    "provider",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="outside_placements",
                        to="accounts.organisation",
                        verbose_name="aanbieder (uit het register)",
                    ),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="vastgelegd door",
                    ),
                ),
                (
                    "referral",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="outside_placement",
                        to="referrals.referral",
                        verbose_name="verzoek",
                    ),
                ),
            ],
            options={
                "verbose_name": "zorg buiten de coördinatie",
                "verbose_name_plural": "zorg buiten de coördinatie",
                "ordering": ["-start_date", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("provider__isnull", False), ("provider_name", "")),
                            models.Q(
                                ("provider__isnull", True),
                                models.Q(("provider_name", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="outside_provider_register_xor_name",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("arrangement__in", ["regular", "maatwerk", "one_to_one"])
                        ),
                        name="outside_arrangement_known",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            (
                                "reason__in",
                                [
                                    "no_fitting_place",
                                    "crisis",
                                    "court_decision",
                                    "family_choice",
                                    "other",
                                ],
                            )
                        ),
                        name="outside_reason_known",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("cost_per_day__isnull", True),
                            ("cost_per_day__gte", 0),
                            _connector="OR",
                        ),
                        name="outside_cost_not_negative",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("arrangement__in", ["maatwerk", "one_to_one"]), _negated=True
                            ),
                            ("cost_per_day__isnull", False),
                            _connector="OR",
                        ),
                        name="outside_cost_known_for_maatwerk",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("reason", "other"), _negated=True),
                            models.Q(("reason_note", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="outside_other_reason_explained",
                    ),
                ],
            },
        ),
    ]
