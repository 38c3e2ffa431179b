"""Database constraints of the referral models."""

from datetime import date

import pytest
from django.db import IntegrityError, transaction

from referrals.models import Referral, YouthIdentity, age_on
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def test_age_on_counts_whole_years() -> None:
    assert age_on(date(2011, 5, 3), date(2026, 5, 2)) == 14
    assert age_on(date(2011, 5, 3), date(2026, 5, 3)) == 15


def test_open_bsn_is_unique(cast: Cast) -> None:
    YouthIdentity.objects.create(bsn="111222333", open_bsn="111222333")
    YouthIdentity.objects.create(bsn="111222333")  # a draft or closed one: no claim
    with pytest.raises(IntegrityError), transaction.atomic():
        YouthIdentity.objects.create(bsn="111222333", open_bsn="111222333")


def test_a_closed_outcome_needs_the_closed_status(cast: Cast) -> None:
    youth = YouthIdentity.objects.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.create(
            code="ROP-2026-00001",
            youth=youth,
            referrer=cast.referrer,
            organisation=cast.referrer_org,
            close_outcome=Referral.CloseOutcome.WITHDRAWN,
        )
