"""Issue 21.4/22.5: the provider sets the planned end and flags its placement at risk; the
coordinator records the support deployed and closes it as prevented."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from capacity.models import Location
from placement import services
from placement.models import Placement, PlacementRisk
from referrals.models import Referral
from tests.browser.axe import check_a11y
from tests.browser.conftest import new_page, screenshot, sign_in
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_risk_flagged_supported_and_prevented(
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    cast: Cast,
    referral: Referral,
    location_a: Location,
) -> None:
    offer = services.offer_send(referral=referral, location=location_a, by=cast.coordinator)
    services.offer_accept(offer=offer, by=cast.provider_a)
    placement = services.placement_record(
        offer=offer, by=cast.coordinator, start_date=timezone.localdate()
    )
    url = f"{live_server.url}/placement/plaatsingen/{placement.pk}/"

    sign_in(page, live_server.url, "provider_a", TEST_PASSWORD)
    page.goto(url)
    plans = page.get_by_test_id("plans-form")
    day = timezone.localdate() + timedelta(days=60)
    plans.get_by_label("Verwachte einddatum").fill(day.isoformat())
    plans.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_test_id("planned-end")).not_to_have_text("—")
    risk_form = page.get_by_test_id("risk-form")
    risk_form.get_by_label("Waarom in gevaar").select_option("behaviour")
    risk_form.get_by_role("button", name="Melden als in gevaar").click()
    expect(page.get_by_test_id("open-risk")).to_contain_text("gedrag")
    check_a11y(page)
    screenshot(page, "placement-at-risk-provider")

    coordinator = new_page(browser)
    sign_in(coordinator, live_server.url, "coordinator", TEST_PASSWORD)
    coordinator.goto(url)
    form = coordinator.get_by_test_id("risk-update-form")
    form.get_by_label("mobiel team").check()
    form.get_by_label("consultatie").check()
    form.get_by_label("Uitkomst").select_option("prevented")
    form.get_by_role("button", name="Ondersteuning opslaan").click()
    expect(coordinator.get_by_test_id("risk-history")).to_contain_text("doorplaatsing voorkomen")
    check_a11y(coordinator)
    screenshot(coordinator, "placement-risk-prevented")
    risk = PlacementRisk.objects.get()
    assert (risk.support, risk.outcome) == (["mobile_team", "consultation"], "prevented")
    assert Placement.objects.get().planned_end == day
    coordinator.context.close()
