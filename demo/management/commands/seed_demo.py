"""Load the demo region (idempotent). Refuses with DEBUG=False unless --force."""

import argparse
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import demo as accounts_demo
from analyses import demo as analyses_demo
from capacity import demo as capacity_demo


class Command(BaseCommand):
    help = "Laadt de demoregio Utrecht–Flevoland met aanbieders, locaties en demogebruikers."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Ook uitvoeren als DEBUG uit staat."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo weigert te draaien met DEBUG=False (productie?). "
                "Gebruik --force als u dit echt wilt."
            )
        with transaction.atomic():
            regions = accounts_demo.seed_regions()
            organisations = accounts_demo.seed_organisations(regions)
            users = accounts_demo.seed_users(organisations)
            locations = capacity_demo.seed_locations(regions)
        history = analyses_demo.seed_history()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo geladen: {len(regions)} regio's, {len(organisations)} organisaties, "
                f"{len(users)} gebruikers, {len(locations)} locaties; "
                f"{history['referrals']} verzoeken, rapporten in {history['ms']} ms."
            )
        )
