"""Issue 18 point 11 in the browser: the analyst's refusals chart writes "<5" and "x" where a
figure is suppressed (no silent gap), and lists them under the chart for screen readers."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from analyses.services import reports_rebuild
from capacity.models import Location
from placement.models import Offer
from referrals.models import Referral
from tests.browser.conftest import Journey
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_suppressed_bars_are_labelled(
    journey: Journey,
    cast: Cast,
    make_referral: Callable[..., Referral],
    location_a: Location,
    location_b: Location,
) -> None:
    # A's 2 expiries are "<5"; the 8 expiries in all are rounded to 10 (issue 23) and drawn;
    # B's 3 refusals "<5".
    referral = make_referral()
    now = timezone.now()
    for location, status, reason, count in (
        (location_a, "expired", "no_response", 2),
        (location_b, "expired", "no_response", 6),
        (location_b, "refused", "no_capacity", 3),
    ):
        for _ in range(count):
            Offer.objects.create(
                referral=referral,
                location=location,
                provider=location.provider,
                sent_by=cast.coordinator,
                deadline=now - timedelta(days=1),
                status=status,
                refusal_reason=reason,
                answered_at=now,
            )
    reports_rebuild()

    page = journey.as_user("analyst")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{journey.base_url}/analyses/")
    chart = page.get_by_test_id("chart-refusals")
    expect(chart).to_have_attribute("data-drawn", "true")
    # The suppressed bar got its label written on the canvas.
    expect(chart).to_have_attribute("data-suppressed", "1")
    listed = page.get_by_test_id("chart-refusals-suppressed")
    expect(listed).to_be_visible()
    expect(listed).not_to_contain_text("geen reactie (verlopen)")
    expect(listed).to_contain_text("geen plek: <5")
    expect(chart).to_have_attribute("aria-describedby", "chart-refusals-suppressed")
    journey.check(page, "analyst-charts-suppressed")
    assert not errors, errors
