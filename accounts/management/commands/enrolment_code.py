"""Print a one-time enrolment code for a user (operators): with it the user links an
authenticator app, the first time or after losing the phone (which replaces the old app)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from accounts.twofactor import enrolment_code_create, enrolment_code_hours


class Command(BaseCommand):
    help = "Maak een eenmalige koppelcode voor tweestapsverificatie en toon die."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"Gebruiker {options['username']!r} bestaat niet.")
        enrolment, code = enrolment_code_create(user=user, created_by=None)
        self.stdout.write(code)
        self.stderr.write(
            f"Koppelcode voor {user.username}: werkt één keer, verloopt over "
            f"{enrolment_code_hours()} uur ({enrolment.expires_at:%Y-%m-%d %H:%M} UTC)."
        )
