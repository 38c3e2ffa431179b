"""A provider changes free places with − and + (htmx, saved at once) and confirms them;
the coordinator's overview shows the new figure and how fresh it is."""

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from capacity.models import Location
from tests.browser.axe import check_a11y
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD, LocationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_provider_clicks_plus_and_minus_and_the_coordinator_sees_it(
    page: Page, browser: Browser, live_server: LiveServer, cast: Cast
) -> None:
    location = LocationFactory(
        provider=cast.provider_a_org,
        name="De Linde Kamp",
        municipality=cast.municipality,
        regions=[cast.region],
        total_places=8,
        free_places=2,
        occupied_places=0,  # six places not available; occupied are placements only
    )
    other = LocationFactory(provider=cast.provider_b_org, name="Horizon Oost")

    sign_in(page, live_server.url, "provider_a", TEST_PASSWORD)
    page.get_by_role("link", name="Mijn locaties").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn locaties")
    expect(page.get_by_text("Horizon Oost")).to_have_count(0)

    row = page.get_by_test_id(f"location-{location.pk}")
    free = row.get_by_test_id("free-places")
    expect(free).to_have_text("2")
    row.get_by_role("button", name="Eén vrije plaats meer bij De Linde Kamp").click()
    row = page.get_by_test_id(f"location-{location.pk}")
    expect(row.get_by_test_id("free-places")).to_have_text("3")
    expect(row.get_by_test_id("row-notice")).to_contain_text("Opgeslagen")
    row.get_by_role("button", name="Eén vrije plaats meer bij De Linde Kamp").click()
    expect(
        page.get_by_test_id(f"location-{location.pk}").get_by_test_id("free-places")
    ).to_have_text("4")
    page.get_by_test_id(f"location-{location.pk}").get_by_role(
        "button", name="Eén vrije plaats minder bij De Linde Kamp"
    ).click()
    row = page.get_by_test_id(f"location-{location.pk}")
    expect(row.get_by_test_id("free-places")).to_have_text("3")
    expect(row.get_by_test_id("occupied-places")).to_have_text("0")
    # Saved at once, no page reload needed: the database has it.
    location.refresh_from_db()
    assert (location.free_places, location.occupied_places) == (3, 0)

    row.get_by_role("button", name="Klopt nog: De Linde Kamp").click()
    expect(
        page.get_by_test_id(f"location-{location.pk}").get_by_test_id("row-notice")
    ).to_contain_text("Bevestigd")
    check_a11y(page)
    screenshot(page, "capacity-provider-my-locations")
    page.get_by_role("button", name="Alles bevestigen").click()
    expect(page.get_by_role("status").first).to_contain_text("bevestigd")

    # The coordinator, in a separate browser session.
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    coordinator_page = context.new_page()
    coordinator_page.set_default_timeout(10_000)
    try:
        sign_in(coordinator_page, live_server.url, "coordinator", TEST_PASSWORD)
        coordinator_page.get_by_role("link", name="Vrije plaatsen").first.click()
        expect(coordinator_page.get_by_role("heading", level=1)).to_have_text(
            "Overzicht vrije plaatsen"
        )
        overview_row = coordinator_page.get_by_test_id(f"overview-{location.pk}")
        expect(overview_row.get_by_test_id("free-places")).to_have_text("3")
        expect(overview_row).to_contain_text("Actueel")
        expect(coordinator_page.get_by_test_id(f"overview-{other.pk}")).to_be_visible()
        # Filtering (htmx) narrows the list without leaving the page.
        coordinator_page.get_by_label("Alleen met vrije plaatsen").check()
        coordinator_page.get_by_label("Zorgvorm").select_option("treatment_group")
        expect(coordinator_page.get_by_test_id("totals")).to_contain_text("behandelgroep")
        check_a11y(coordinator_page)
        screenshot(coordinator_page, "capacity-coordinator-overview")
    finally:
        context.close()

    assert Location.objects.get(pk=location.pk).free_places == 3


def test_provider_b_cannot_reach_provider_a_location(
    page: Page, live_server: LiveServer, cast: Cast
) -> None:
    location = LocationFactory(provider=cast.provider_a_org, name="De Linde Kamp")
    sign_in(page, live_server.url, "provider_b", TEST_PASSWORD)
    response = page.goto(f"{live_server.url}/capacity/locaties/{location.pk}/profiel/")
    assert response is not None
    assert response.status == 404
