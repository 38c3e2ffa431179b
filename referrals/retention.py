"""Retention: the identity of a youth whose referral closed long ago is erased (AVG art. 5(1)(e)).

What stays is the pseudonymous history the reports need: the referral and its code, status
timeline, explanatory analysis codes, offers, refusals and placements, the youth's gender,
home municipality and birth year (birth date set to 1 July, so age bands still work).
"""

import logging
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.services import audit_record
from referrals.models import Referral, YouthIdentity

logger = logging.getLogger(__name__)


def months_before(moment: datetime, months: int) -> datetime:
    """The same moment `months` calendar months earlier (the day clamped to the month's end)."""
    month_index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")


def reduced_birth_date(birth_date: date | None) -> date | None:
    return birth_date.replace(month=7, day=1) if birth_date else None


def _still_identifying() -> Q:
    """A youth row that still holds anything the erasure removes."""
    return (
        ~Q(youth__given_name="")
        | ~Q(youth__family_name="")
        | ~Q(youth__bsn="")
        | ~Q(youth__postcode="")
        | ~Q(youth__guardians=[])
        | (Q(youth__birth_date__isnull=False) & ~Q(youth__birth_date__month=7))
        | (Q(youth__birth_date__isnull=False) & ~Q(youth__birth_date__day=1))
    )


def referrals_due_for_erasure(*, now: datetime | None = None) -> QuerySet[Referral]:
    """Referrals closed more than RETENTION_MONTHS ago whose youth is not yet erased."""
    cutoff = months_before(now or timezone.now(), settings.RETENTION_MONTHS)
    return (
        Referral.objects.filter(
            status=Referral.Status.CLOSED, closed_at__isnull=False, closed_at__lt=cutoff
        )
        .filter(_still_identifying())
        .order_by("closed_at", "id")
    )


@transaction.atomic
def _youth_erase(*, referral_id: int, now: datetime) -> bool:
    """Erase one referral's youth identity, with its audit row, in one transaction."""
    # Re-checked under the lock: a second run (or a reopened referral) changes nothing.
    referral = (
        referrals_due_for_erasure(now=now)
        .select_for_update(of=("self",))
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        return False
    youth = YouthIdentity.objects.select_for_update().get(pk=referral.youth_id)
    youth.given_name = ""
    youth.family_name = ""
    youth.bsn = ""
    youth.open_bsn = ""
    youth.postcode = ""
    youth.guardians = []
    youth.birth_date = reduced_birth_date(youth.birth_date)
    youth.save(
        update_fields=[
            "given_name",
            "family_name",
            "bsn",
            "open_bsn",
            "postcode",
            "guardians",
            "birth_date",
        ]
    )
    audit_record(
        user=None,
        action="youth.erase",
        referral_id=referral.pk,
        object_type="youth_identity",
        object_id=youth.pk,
        system="retention",
    )
    return True


def youth_identities_erase_expired(*, now: datetime | None = None) -> int:
    """Erase every identity past retention; returns how many were erased. Idempotent."""
    now = now or timezone.now()
    ids = list(referrals_due_for_erasure(now=now).values_list("pk", flat=True))
    erased = sum(_youth_erase(referral_id=pk, now=now) for pk in ids)
    logger.info(
        "Retention: erased the identity of %d referral(s) closed more than %d months ago",
        erased,
        settings.RETENTION_MONTHS,
    )
    return erased
