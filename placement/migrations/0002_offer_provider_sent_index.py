from django.db import migrations


class Migration(migrations.Migration):
    """The acceptance rate of the candidates counts a provider's offers of the last 12 months:
    one index range per location instead of all the provider's offers ever."""

    dependencies = [
        ("placement", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS offer_provider_sent ON placement_offer (provider_id, sent_at)",
            "DROP INDEX IF EXISTS offer_provider_sent",
        ),
    ]
