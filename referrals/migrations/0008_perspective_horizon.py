# The perspective plan's horizon in months (issue 22.5): the default planned end.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0011_notification_preferences"),
        ("capacity", "0006_intensity_contracts"),
        ("referrals", "0007_expert_table"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="perspective_horizon_months",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="termijn van het perspectiefplan (maanden)"
            ),
        ),
        migrations.AddConstraint(
            model_name="referral",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("perspective_horizon_months__isnull", True),
                    models.Q(
                        ("perspective_horizon_months__gte", 1),
                        ("perspective_horizon_months__lte", 36),
                    ),
                    _connector="OR",
                ),
                name="referral_perspective_horizon_range",
            ),
        ),
    ]
