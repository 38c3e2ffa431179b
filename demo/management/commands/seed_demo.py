"""Load the demo region (idempotent). Refuses with DEBUG=False unless --force."""

import argparse
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo import documents, history, locations, region


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
            regions = region.seed_regions()
            organisations = region.seed_organisations(regions)
            users = region.seed_users(organisations)
        loaded = history.seed_history(regions=regions)
        with transaction.atomic():
            locations.seed_bands_and_contracts()  # issue 22
        documents.seed_documents()  # issue 20, point 4: two example documents
        reports = f"rapporten in {loaded['ms']} ms" if loaded["loaded"] else "rapporten ongewijzigd"
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo geladen: {len(regions)} regio's, {len(organisations)} organisaties, "
                f"{len(users)} gebruikers, {loaded['locations']} locaties; "
                f"{loaded['referrals']} verzoeken, {reports}."
            )
        )
