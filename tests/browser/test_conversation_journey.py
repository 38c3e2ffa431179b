"""The conversation on an offer and the handover, in a browser: the provider asks a question
before accepting, the coordinator answers; after acceptance the provider proposes an intake."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from capacity.models import Location
from placement import services
from referrals.models import Referral
from tests.browser.axe import check_a11y
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def as_user(browser: Browser, live_server: LiveServer, username: str) -> Page:
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, username, TEST_PASSWORD)
    return page


def test_provider_asks_coordinator_answers_then_intake(
    browser: Browser,
    live_server: LiveServer,
    cast: Cast,
    referral: Referral,
    location_a: Location,
) -> None:
    base = live_server.url
    offer = services.offer_send(referral=referral, location=location_a, by=cast.coordinator)
    provider = as_user(browser, live_server, "provider_a")
    provider.goto(f"{base}/placement/voorstellen/{offer.pk}/")
    section = provider.get_by_test_id("conversation")
    expect(section).to_contain_text("Nog geen berichten.")
    # A name of the youth before acceptance is refused in place, nothing sent.
    section.get_by_label("Uw bericht").fill("Heet de jongere Zwaantje?")
    section.get_by_role("button", name="Versturen").click()
    expect(provider.get_by_test_id("conversation")).to_contain_text("naam van de jongere")
    provider.get_by_test_id("conversation").get_by_label("Uw bericht").fill("Is er een schoolplan?")
    provider.get_by_test_id("conversation").get_by_role("button", name="Versturen").click()
    expect(provider.get_by_test_id("messages")).to_contain_text("Is er een schoolplan?")

    coordinator = as_user(browser, live_server, "coordinator")
    coordinator.goto(f"{base}/gesprekken/voorstel/{offer.pk}/")
    expect(coordinator.get_by_test_id("messages")).to_contain_text("nieuw")
    coordinator.get_by_label("Uw bericht").fill("Ja, het staat in het verzoek.")
    coordinator.get_by_role("button", name="Versturen").click()
    expect(coordinator.get_by_test_id("messages")).to_contain_text("Ja, het staat in het verzoek.")

    services.offer_accept(offer=offer, by=cast.provider_a)
    provider.goto(f"{base}/placement/voorstellen/{offer.pk}/")
    expect(provider.get_by_test_id("referrer-contact")).to_be_visible()
    expect(provider.get_by_test_id("messages")).to_contain_text("Ja, het staat in het verzoek.")
    day = timezone.localdate() + timedelta(days=3)
    provider.get_by_label("Voorgestelde intakedatum").fill(day.isoformat())
    provider.get_by_role("button", name="Intakedatum voorstellen").click()
    expect(provider.get_by_test_id("handover").get_by_test_id("intake-proposal")).to_be_visible()
    screenshot(provider, "conversation-handover")
    check_a11y(provider)
