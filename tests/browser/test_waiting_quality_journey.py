"""Issue 23.5 in the browser: the coordinator reads the waiting times by step, picks a
reference date, and follows a data-quality count to the list of requests to fix."""

from collections.abc import Callable
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from analyses.services import reports_rebuild
from referrals.models import Referral, ReferralEvent
from tests.browser.conftest import Journey
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_waiting_times_and_data_quality(
    journey: Journey, cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    start = timezone.make_aware(
        datetime.combine(timezone.localdate() - timedelta(days=30), time(9))
    )
    for i in range(6):
        referral = make_referral()
        for days, status in ((0, "submitted"), (1 + i, "matching")):
            ReferralEvent.objects.create(
                referral=referral, to_status=status, at=start + timedelta(days=days)
            )
        Referral.objects.filter(pk=referral.pk).update(created_at=start - timedelta(hours=1))
    closed = make_referral(status=Referral.Status.CLOSED)
    reports_rebuild()

    page = journey.as_user("coordinator")
    page.goto(f"{journey.base_url}/analyses/wachttijden/")
    journey.check(page)
    expect(page.get_by_test_id("step-submitted_matching-referrals")).to_have_text("6")
    expect(page.get_by_test_id("step-submitted_matching-median")).to_have_text("3,5")
    day = (timezone.localdate() - timedelta(days=28)).isoformat()
    page.get_by_label("Peildatum").fill(day)
    page.get_by_role("button", name="Toon").click()
    expect(page.get_by_test_id("waiting-on-total")).to_have_text("6")
    journey.check(page, "waiting-times")

    page.get_by_role("link", name="Datakwaliteit").click()
    expect(page.get_by_test_id("quality-closed_without_outcome")).to_have_text("1")
    journey.check(page, "data-quality")
    page.get_by_test_id("quality-closed_without_outcome").get_by_role("link").click()
    expect(page.get_by_test_id("table-quality-items")).to_contain_text(closed.code)
    journey.check(page)
