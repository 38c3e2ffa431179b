"""Journey 4, the analyst (regional staff): the dashboard with its charts, the filters, a
rebuild with visible progress, and a CSV download; never an identity. axe-core on every
page. The dashboard itself is the analyses app's (tests/browser/test_dashboard.py)."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from analyses.services import reports_rebuild
from capacity.models import Location
from placement import services as placement_services
from referrals.models import Referral
from tests.browser.conftest import Journey
from tests.conftest import Cast
from tests.placement.conftest import CANARY_STRINGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHARTS = ("chart-refusals", "chart-occupancy", "chart-replacements")


def test_analyst_reads_filters_rebuilds_and_downloads(
    journey: Journey,
    cast: Cast,
    make_referral: Callable[..., Referral],
    location_a: Location,
) -> None:
    # A refusal to count; then the reports as the nightly job would leave them.
    referral = make_referral()
    offer = placement_services.offer_send(
        referral=referral, location=location_a, by=cast.coordinator
    )
    placement_services.offer_refuse(offer=offer, by=cast.provider_a, reason="no_capacity")
    reports_rebuild()

    page = journey.as_user("analyst")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Analyses").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Analyses")
    for chart in CHARTS:
        expect(page.get_by_test_id(chart)).to_have_attribute("data-drawn", "true")
    expect(page.get_by_test_id("built-at")).to_contain_text("Gebouwd op")
    journey.check(page, "analyst-1-dashboard")
    html = page.content()
    for canary in CANARY_STRINGS:
        assert canary not in html, canary

    # Filters: a narrower care form; the page keeps them in its address and redraws.
    care = page.get_by_label("Zorgvorm", exact=True)
    options = care.locator("option").all()
    care.select_option(index=len(options) - 1)
    page.get_by_role("button", name="Toon").click()
    expect(page).to_have_url(re.compile(r"zorgvorm=\w+"))
    for chart in CHARTS:
        expect(page.get_by_test_id(chart)).to_have_attribute("data-drawn", "true")
    journey.check(page, "analyst-2-filtered")

    # Rebuild on demand: the page says how it goes (htmx status region).
    page.get_by_role("button", name="Rapporten opnieuw opbouwen").click()
    expect(page.get_by_test_id("report-run")).to_contain_text("opbouw", ignore_case=True)
    journey.check(page, "analyst-3-rebuild")

    # CSV of the refusals by reason.
    with page.expect_download() as download:
        page.get_by_test_id("export-refusal-reasons").click()
    path = download.value.path()
    assert path is not None
    text = path.read_text(encoding="utf-8")
    assert "Reden" in text
    assert not [e for e in errors if "Content Security Policy" in e]
