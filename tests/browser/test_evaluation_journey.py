"""Issue 23 points 3 and 4 in the browser: a provider opens its own figures from the menu and
finds the pack's downloads; the coordinator picks a provider's pack."""

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.analyses.test_evaluation import data  # noqa: F401
from tests.browser.conftest import Journey, screenshot
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_provider_reads_its_own_figures(
    journey: Journey,
    cast: Cast,
    data: dict[str, Any],  # noqa: F811
) -> None:
    page = journey.as_user("provider_a")
    page.get_by_role("link", name="Mijn cijfers").first.click()
    journey.check(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mijn cijfers")
    offers = page.get_by_test_id("pack-responses").locator('tr[data-figure="offers"]')
    expect(offers.locator('[data-side="provider"]')).to_have_text("11")
    expect(page.get_by_test_id("pack-pdf")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Aanbieder B")
    screenshot(page, "evaluation-provider")

    coordinator = journey.as_user("coordinator")
    coordinator.goto(f"{journey.base_url}/analyses/evaluatie/")
    journey.check(coordinator)
    coordinator.get_by_label("Aanbieder", exact=True).select_option(label="Aanbieder B")
    coordinator.get_by_role("button", name="Toon").click()
    journey.check(coordinator)
    expect(coordinator.get_by_test_id("pack-title")).to_contain_text("Aanbieder B")
    screenshot(coordinator, "evaluation-coordinator")
