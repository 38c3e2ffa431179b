# The expert table as a step (issue 21, point 3). Written by hand so that it holds only this
# model while other helpers change the same app.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0006_urgency_crisis_origin"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ExpertTable",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("convened_on", models.DateField(verbose_name="datum experttafel")),
                (
                    "disciplines",
                    models.JSONField(default=list, verbose_name="aanwezige disciplines"),
                ),
                ("question", models.TextField(verbose_name="vraag aan de experttafel")),
                ("advice", models.TextField(blank=True, verbose_name="advies")),
                (
                    "outcome",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("need_clarified", "zorgbehoefte verhelderd: VA bijwerken"),
                            ("special_arrangement", "bijzonder arrangement"),
                            ("back_to_matching", "terug naar matching"),
                        ],
                        max_length=30,
                        verbose_name="uitkomst",
                    ),
                ),
                (
                    "outcome_note",
                    models.TextField(blank=True, verbose_name="toelichting op de uitkomst"),
                ),
                ("decided_on", models.DateField(blank=True, null=True, verbose_name="besloten op")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="aangemaakt"
                    ),
                ),
                (
                    "updated_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="gewijzigd"
                    ),
                ),
                (
                    "convened_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="bijeengeroepen door",
                    ),
                ),
                (
                    "referral",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="expert_tables",
                        to="referrals.referral",
                        verbose_name="verzoek",
                    ),
                ),
            ],
            options={
                "verbose_name": "experttafel",
                "verbose_name_plural": "experttafels",
                "ordering": ["convened_on", "id"],
                "indexes": [
                    models.Index(fields=["referral", "convened_on"], name="expert_table_referral")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("outcome", ""),
                            (
                                "outcome__in",
                                ["need_clarified", "special_arrangement", "back_to_matching"],
                            ),
                            _connector="OR",
                        ),
                        name="expert_table_outcome_known",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("outcome", ""), ("decided_on__isnull", True)),
                            models.Q(
                                models.Q(("outcome", ""), _negated=True),
                                ("decided_on__isnull", False),
                                models.Q(("advice", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="expert_table_decided_with_date_and_advice",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("decided_on__isnull", True),
                            ("decided_on__gte", models.F("convened_on")),
                            _connector="OR",
                        ),
                        name="expert_table_decided_after_convened",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("outcome", "special_arrangement"), _negated=True),
                            models.Q(("outcome_note", ""), _negated=True),
                            _connector="OR",
                        ),
                        name="expert_table_special_arrangement_explained",
                    ),
                ],
            },
        ),
    ]
