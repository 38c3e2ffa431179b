"""Check the hash chain of the audit trail (issue 24): every entry, in id order, must carry
the hash of the entry before it and its own hash must match its fields. A removed entry
breaks the link of the next one; a changed entry breaks its own hash.

Streams the trail in batches, so it runs on a national trail of many millions of rows.
Exits non-zero at the first broken link, naming the entry. The last hash it prints can be
kept outside the database: a trail cut short after it shows as a different last hash.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from accounts.models import AuditEntry

FIELDS = (
    "id",
    "prev_hash",
    "hash",
    "at",
    "user_id",
    "username",
    "role",
    "organisation",
    "action",
    "referral_id",
    "object_type",
    "object_id",
    "outcome",
)


class Command(BaseCommand):
    help = "Controleert de hashketen van de audittrail."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args: Any, **options: Any) -> None:
        expected_prev = ""
        checked = 0
        rows = AuditEntry.objects.order_by("id").only(*FIELDS)
        for entry in rows.iterator(chunk_size=options["batch_size"]):
            if entry.prev_hash != expected_prev:
                raise CommandError(
                    _(
                        "Keten verbroken bij auditregel %(id)s: de regel ervoor ontbreekt of is "
                        "gewijzigd (%(checked)s regels in orde)."
                    )
                    % {"id": entry.pk, "checked": checked}
                )
            if entry.chain_hash() != entry.hash:
                raise CommandError(
                    _(
                        "Keten verbroken bij auditregel %(id)s: de regel is gewijzigd "
                        "(%(checked)s regels in orde)."
                    )
                    % {"id": entry.pk, "checked": checked}
                )
            expected_prev = entry.hash
            checked += 1
        self.stdout.write(
            self.style.SUCCESS(
                _("Hashketen in orde: %(checked)s auditregels, laatste hash %(last)s.")
                % {"checked": checked, "last": expected_prev or "-"}
            )
        )
