"""Fill a fresh PostgreSQL database with a synthetic national history (demo/national.py)."""

import argparse
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from demo.national import generate_national


class Command(BaseCommand):
    help = (
        "Vult een lege PostgreSQL-database met een synthetische landelijke geschiedenis "
        "(42 regio's, 342 gemeenten, 1.000 aanbieders, 6.000 locaties, N verzoeken)."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--referrals", type=int, default=5000, help="Aantal verzoeken.")
        parser.add_argument("--seed", type=int, default=2026, help="Toevalszaad (herhaalbaar).")
        parser.add_argument(
            "--password",
            default=None,
            help="Wachtwoord voor alle synthetische gebruikers (standaard: onbruikbaar).",
        )
        parser.add_argument("--json", action="store_true", help="Uitkomst als JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["referrals"] < 1:
            raise CommandError("--referrals moet minstens 1 zijn.")
        try:
            result = generate_national(
                referrals=options["referrals"],
                seed=options["seed"],
                password=options["password"],
                log=lambda line: self.stderr.write(line),
            )
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        for name, count in result["counts"].items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{result['rows']} rijen in {result['seconds']} s "
                f"(simulatie {result['simulate_seconds']} s, COPY {result['load_seconds']} s)."
            )
        )
