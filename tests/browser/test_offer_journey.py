"""Coordinator sends, provider refuses, coordinator sends the next proposal, provider accepts;
then the placement is recorded and ended with a re-placement (headless Chromium)."""

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from capacity.models import Location
from placement.models import Offer, Placement
from referrals.models import Referral
from tests.browser.axe import check_a11y
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD
from tests.placement.conftest import CANARY_STRINGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def as_user(browser: Browser, live_server: LiveServer, username: str) -> Page:
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, username, TEST_PASSWORD)
    return page


def test_offer_refuse_next_accept_place_and_replace(
    browser: Browser,
    live_server: LiveServer,
    cast: Cast,
    referral: Referral,
    location_a: Location,
    location_b: Location,
) -> None:
    base = live_server.url
    coordinator = as_user(browser, live_server, "coordinator")

    # The coordinator reads why each candidate ranks where it does and sends the proposal.
    coordinator.goto(f"{base}/placement/verzoeken/{referral.pk}/matching/")
    candidates = coordinator.get_by_test_id("candidates")
    expect(candidates.locator("li").first).to_contain_text("Groep A")
    expect(candidates.locator("li").first).to_contain_text("Zorgvorm: 1e keuze")
    check_a11y(coordinator)
    screenshot(coordinator, "offers-1-matching")
    candidates.locator("li").first.get_by_role("button", name="Voorstel anoniem versturen").click()
    expect(
        coordinator.get_by_text("Het voorstel is anoniem verstuurd naar Groep A")
    ).to_be_visible()
    # While it is open, no second offer can be sent.
    expect(
        coordinator.get_by_role("button", name="Voorstel anoniem versturen").first
    ).to_be_disabled()

    # Provider A sees it anonymised and refuses with a reason.
    provider_a = as_user(browser, live_server, "provider_a")
    provider_a.goto(f"{base}/placement/voorstellen/")
    provider_a.get_by_role("link", name=referral.code).click()
    html = provider_a.content()
    for canary in CANARY_STRINGS:
        assert canary not in html, canary
    check_a11y(provider_a)
    screenshot(provider_a, "offers-2-provider-anonymised")
    provider_a.get_by_label("Reden van weigering").select_option("group_composition")
    provider_a.get_by_role("button", name="Weigeren met deze reden").click()
    expect(provider_a.get_by_text("Uw weigering en de reden zijn vastgelegd.")).to_be_visible()

    # The coordinator sees the refusal and the next proposal: provider B's home.
    coordinator.goto(f"{base}/placement/verzoeken/{referral.pk}/matching/")
    expect(coordinator.get_by_test_id("offer-history")).to_contain_text("groepssamenstelling")
    first = coordinator.get_by_test_id("candidates").locator("li").first
    expect(first).to_contain_text("Huis B")
    first.get_by_role("button", name="Voorstel anoniem versturen").click()
    expect(coordinator.get_by_text("Het voorstel is anoniem verstuurd naar Huis B")).to_be_visible()

    # Provider B accepts: the place is held at once, and the identity appears for intake.
    provider_b = as_user(browser, live_server, "provider_b")
    offer = Offer.objects.get(status=Offer.Status.OPEN)
    provider_b.goto(f"{base}/placement/voorstellen/{offer.pk}/")
    provider_b.get_by_role("button", name="Accepteren en plek reserveren").click()
    expect(provider_b.get_by_test_id("identity")).to_contain_text("Quirijnsdochter")
    location_b.refresh_from_db()
    assert (location_b.free_places, location_b.held_places) == (1, 1)
    check_a11y(provider_b)
    screenshot(provider_b, "offers-3-accepted-identity")

    # The coordinator records the placement with its school arrangement ...
    coordinator.goto(f"{base}/placement/verzoeken/{referral.pk}/matching/")
    coordinator.get_by_role("link", name="Plaatsing vastleggen").click()
    coordinator.get_by_label("Startdatum").fill(timezone.localdate().isoformat())
    coordinator.get_by_label("School tijdens de plaatsing").fill("Het Lyceum")
    coordinator.get_by_label("Hoe is het schoolvervoer geregeld").fill("Taxi via de gemeente")
    coordinator.get_by_label("Wie betaalt het vervoer").select_option("municipality")
    coordinator.get_by_role("button", name="Plaatsing vastleggen").click()
    expect(coordinator.get_by_test_id("placement-status")).to_have_text("actief")
    check_a11y(coordinator)
    screenshot(coordinator, "offers-4-placement")

    # ... and later ends it with a re-placement: a new, linked referral appears.
    coordinator.get_by_label("Reden").select_option("replacement")
    coordinator.get_by_label("Toelichting", exact=True).fill(
        "Veiligheid op de groep niet te garanderen."
    )
    coordinator.get_by_role("button", name="Plaatsing beëindigen").click()
    placement = Placement.objects.get()
    assert placement.next_referral is not None
    expect(coordinator.get_by_test_id("next-referral")).to_contain_text(
        placement.next_referral.code
    )
    location_b.refresh_from_db()
    assert (location_b.free_places, location_b.held_places) == (2, 0)
    check_a11y(coordinator)
    screenshot(coordinator, "offers-5-replacement")
