from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_regions(apps: Any, schema_editor: Any) -> None:
    """Every existing referral takes the region of its youth's home municipality."""
    Referral = apps.get_model("referrals", "Referral")
    YouthIdentity = apps.get_model("referrals", "YouthIdentity")
    Referral.objects.using(schema_editor.connection.alias).update(
        region_id=Subquery(
            YouthIdentity.objects.filter(pk=OuterRef("youth_id")).values("municipality__region_id")
        )
    )


class Migration(migrations.Migration):
    """The youth's region on the referral: a coordinator's scope (and the board, intake and
    waiting list) starts from an index on (region, status) instead of visiting every youth of
    the region and its referral (13,400 of each for one board at national scale)."""

    dependencies = [
        ("accounts", "0005_privacy_officer_role"),
        ("referrals", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="region",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="accounts.region",
                verbose_name="regio",
            ),
        ),
        migrations.RunPython(copy_regions, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                fields=["region", "status", "status_changed_at"], name="referral_region"
            ),
        ),
        migrations.AddConstraint(
            model_name="referral",
            constraint=models.CheckConstraint(
                condition=models.Q(("status", "draft"), ("region__isnull", False), _connector="OR"),
                name="referral_region_past_draft",
            ),
        ),
    ]
