from typing import Any

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

import config.codes


def copy_care_forms(apps: Any, schema_editor: Any) -> None:
    """Every existing offer takes its location's care form (offers never move location)."""
    Offer = apps.get_model("placement", "Offer")
    Location = apps.get_model("capacity", "Location")
    Offer.objects.using(schema_editor.connection.alias).update(
        care_form=Subquery(Location.objects.filter(pk=OuterRef("location_id")).values("care_form"))
    )


class Migration(migrations.Migration):
    """The acceptance rate of the candidates counts a provider's answered offers of similar
    care forms over 12 months. With the care form on the offer that is one index-only range per
    location; the index of 0002 (provider, sent_at) needed a visit to every offer's location."""

    dependencies = [
        ("capacity", "0001_initial"),
        ("placement", "0002_offer_provider_sent_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="offer",
            name="care_form",
            field=models.CharField(default="", max_length=30, verbose_name="zorgvorm"),
            preserve_default=False,
        ),
        migrations.RunPython(copy_care_forms, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="offer",
            name="care_form",
            field=models.CharField(
                choices=config.codes.CareForm.choices, max_length=30, verbose_name="zorgvorm"
            ),
        ),
        migrations.AddIndex(
            model_name="offer",
            index=models.Index(
                fields=["provider", "care_form", "sent_at", "status"], name="offer_acceptance"
            ),
        ),
        migrations.RunSQL(
            "DROP INDEX IF EXISTS offer_provider_sent",
            "CREATE INDEX IF NOT EXISTS offer_provider_sent ON placement_offer (provider_id, sent_at)",
        ),
    ]
