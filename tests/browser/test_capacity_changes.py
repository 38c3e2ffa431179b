"""Issue 22: a provider marks places without staff and announces a closure (confirmed);
the coordinator is told, opens who is affected and withdraws the change."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from accounts.models import Notification
from capacity.models import CapacityChange
from tests.browser.axe import check_a11y
from tests.browser.conftest import new_page, screenshot, sign_in
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD, LocationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_closure_announced_seen_and_withdrawn(
    page: Page, browser: Browser, live_server: LiveServer, cast: Cast
) -> None:
    location = LocationFactory(
        provider=cast.provider_a_org,
        name="De Linde Kamp",
        municipality=cast.municipality,
        regions=[cast.region],
        total_places=8,
        free_places=3,
        occupied_places=0,
    )
    sign_in(page, live_server.url, "provider_a", TEST_PASSWORD)
    page.goto(f"{live_server.url}/capacity/mijn-locaties/")
    page.get_by_test_id(f"location-{location.pk}").get_by_test_id("changes-link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("De Linde Kamp")

    form = page.get_by_test_id("unstaffed-form")
    form.get_by_label("Vrij maar niet inzetbaar").fill("2")
    form.get_by_label("Reden (bijvoorbeeld geen personeel)").fill("Twee vacatures")
    form.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_test_id("counts")).to_contain_text("waarvan 2 niet inzetbaar")

    change_form = page.get_by_test_id("change-form")
    change_form.get_by_label("Soort wijziging").select_option("closure")
    day = timezone.localdate() + timedelta(days=14)
    change_form.get_by_label("Gaat in op").fill(day.isoformat())
    change_form.get_by_label("Reden", exact=True).select_option("group_closure")
    change_form.get_by_role("button", name="Aankondigen").click()
    expect(page.get_by_text("Bevestig de sluiting van de locatie.").first).to_be_visible()
    assert not CapacityChange.objects.exists()
    change_form = page.get_by_test_id("change-form")
    change_form.get_by_label("Ik bevestig de sluiting", exact=False).check()
    change_form.get_by_role("button", name="Aankondigen").click()
    expect(page.get_by_test_id("summary")).to_contain_text("De Linde Kamp sluit per")
    check_a11y(page)
    screenshot(page, "capacity-change-announced")
    change = CapacityChange.objects.get()
    assert Notification.objects.filter(recipient=cast.coordinator, kind="capacity.change").exists()

    coordinator = new_page(browser)
    try:
        sign_in(coordinator, live_server.url, "coordinator", TEST_PASSWORD)
        coordinator.goto(f"{live_server.url}/capacity/overzicht/")
        coordinator.get_by_test_id(f"overview-{location.pk}").get_by_test_id("changes-link").click()
        coordinator.get_by_test_id(f"change-{change.pk}").get_by_role("link").click()
        expect(coordinator.get_by_test_id("state")).to_have_text("aangekondigd")
        coordinator.get_by_test_id("cancel-change").click()
        expect(coordinator.get_by_test_id("state")).to_have_text("ingetrokken")
        check_a11y(coordinator)
    finally:
        coordinator.context.close()
    change.refresh_from_db()
    assert change.cancelled_at is not None
