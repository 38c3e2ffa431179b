"""Rebuild every report synchronously and say what was rebuilt and how long it took."""

from typing import Any

from django.core.management.base import BaseCommand

from analyses.services import reports_rebuild


class Command(BaseCommand):
    help = "Bouwt alle rapporten opnieuw op (synchroon)."

    def handle(self, *args: Any, **options: Any) -> None:
        run = reports_rebuild()
        for name, rows in run.detail.items():
            self.stdout.write(f"{name}: {rows} rijen")
        self.stdout.write(
            self.style.SUCCESS(
                f"Rapporten opnieuw opgebouwd: {run.rows} rijen in {run.duration_ms} ms."
            )
        )
