"""Retention: identities of referrals closed more than RETENTION_MONTHS ago are erased."""

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone
from pytest_django import Settings as SettingsWrapper

from accounts.models import AuditEntry, JobRun
from capacity.models import Location
from placement.models import Offer
from referrals.models import Referral, YouthIdentity
from referrals.retention import months_before, referrals_due_for_erasure
from referrals.tasks import erase_expired_identities
from tests.conftest import Cast
from tests.placement.conftest import (  # noqa: F401 - fixtures
    CANARY,
    location_a,
    make_referral,
)

pytestmark = pytest.mark.django_db


def closed(referral: Referral, *, months_ago: int) -> Referral:
    referral.status = Referral.Status.CLOSED
    referral.close_outcome = Referral.CloseOutcome.WITHDRAWN
    referral.closed_at = months_before(timezone.now(), months_ago)
    referral.save(update_fields=["status", "close_outcome", "closed_at"])
    return referral


def identity(referral: Referral) -> YouthIdentity:
    return YouthIdentity.objects.get(pk=referral.youth_id)


@pytest.fixture
def three(make_referral: Callable[..., Referral]) -> dict[str, Referral]:  # noqa: F811
    return {
        "old": closed(make_referral(), months_ago=25),
        "recent": closed(make_referral(), months_ago=23),
        "open": make_referral(),
    }


def test_it_erases_identities_closed_beyond_retention_only(three: dict[str, Referral]) -> None:
    assert erase_expired_identities() == 1
    old = identity(three["old"])
    assert (old.given_name, old.family_name, old.bsn, old.open_bsn, old.postcode) == ("",) * 5
    assert old.guardians == []
    assert old.birth_date == date(CANARY["birth_date"].year, 7, 1)
    for kept in ("recent", "open"):
        youth = identity(three[kept])
        assert youth.given_name == CANARY["given_name"]
        assert youth.bsn == CANARY["bsn"]
        assert youth.birth_date == CANARY["birth_date"]


def test_it_keeps_what_the_reports_need(
    cast: Cast,
    three: dict[str, Referral],
    location_a: Location,  # noqa: F811
) -> None:
    old = three["old"]
    Offer.objects.create(
        referral=old,
        location=location_a,
        provider=location_a.provider,
        status=Offer.Status.REFUSED,
        sent_by=cast.coordinator,
        deadline=timezone.now() - timedelta(days=800),
        refusal_reason="no_capacity",
    )
    analysis_before = old.current_analysis
    erase_expired_identities()
    old.refresh_from_db()
    youth = identity(old)
    assert old.code and old.status == Referral.Status.CLOSED
    assert old.current_analysis == analysis_before
    assert old.current_analysis is not None
    assert old.current_analysis.needed_care_forms == ["treatment_group", "small_scale_home"]
    assert (youth.gender, youth.municipality) == ("f", cast.municipality)
    assert youth.birth_date is not None and youth.birth_date.year == CANARY["birth_date"].year
    assert Offer.objects.get(referral=old).refusal_reason == "no_capacity"


def test_it_is_idempotent_and_recorded(three: dict[str, Referral]) -> None:
    assert erase_expired_identities() == 1
    after_first = list(YouthIdentity.objects.order_by("pk").values())
    assert erase_expired_identities() == 0
    assert list(YouthIdentity.objects.order_by("pk").values()) == after_first
    entries = AuditEntry.objects.filter(action="youth.erase")
    assert [(e.referral_id, e.user_id, e.username) for e in entries] == [
        (three["old"].pk, None, "systeem: retention")
    ]
    runs = JobRun.objects.filter(name="referrals.retention_erase").order_by("id")
    assert [(r.outcome, r.detail) for r in runs] == [("ok", "1"), ("ok", "0")]


def test_it_logs_a_count_and_no_identity(
    three: dict[str, Referral], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("DEBUG"):
        erase_expired_identities()
    assert "erased the identity of 1 referral(s)" in caplog.text
    assert CANARY["family_name"] not in caplog.text


def test_the_retention_period_is_a_setting(
    three: dict[str, Referral], settings: SettingsWrapper
) -> None:
    settings.RETENTION_MONTHS = 22
    assert set(referrals_due_for_erasure().values_list("pk", flat=True)) == {
        three["old"].pk,
        three["recent"].pk,
    }


def test_a_youth_born_on_1_july_is_still_erased(
    make_referral: Callable[..., Referral],  # noqa: F811
) -> None:
    referral = closed(make_referral(birth_date=date(2010, 7, 1)), months_ago=30)
    assert erase_expired_identities() == 1
    assert identity(referral).bsn == ""
    assert erase_expired_identities() == 0


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 11, 23), 24, datetime(2024, 11, 23)),
        (datetime(2026, 3, 31), 1, datetime(2026, 2, 28)),
        (datetime(2026, 1, 15), 13, datetime(2024, 12, 15)),
    ],
)
def test_months_before(moment: datetime, months: int, expected: datetime) -> None:
    assert months_before(moment, months) == expected


def test_the_job_is_scheduled() -> None:
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["referrals-retention-erase"]
    assert entry["task"] == "referrals.tasks.erase_expired_identities"
    assert settings.RETENTION_MONTHS == 24
