"""Issue 23 point 1: the provider refuses naming what in the VA made it refuse (the question
shows only for the reasons where it applies); the coordinator reads who refuses why."""

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from analyses.services import reports_rebuild
from capacity.models import Location
from placement.models import Offer
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


def test_refuse_with_a_concern_and_read_who_refuses_why(
    browser: Browser,
    live_server: LiveServer,
    cast: Cast,
    make_referral: object,
    location_a: Location,
    location_b: Location,
) -> None:
    referral: Referral = make_referral(risk_flags=["aggression"])  # type: ignore[operator]
    now = timezone.now()
    offer = Offer.objects.create(
        referral=referral,
        location=location_a,
        provider=cast.provider_a_org,
        care_form=location_a.care_form,
        sent_by=cast.coordinator,
        deadline=now + timezone.timedelta(days=5),
    )
    referral.status = Referral.Status.OFFERED
    referral.save(update_fields=["status"])
    for _ in range(6):
        Offer.objects.create(
            referral=referral,
            location=location_b,
            provider=cast.provider_b_org,
            care_form=location_b.care_form,
            sent_by=cast.coordinator,
            deadline=now,
            status="refused",
            refusal_reason="staffing",
            answered_at=now,
        )

    provider = as_user(browser, live_server, "provider_a")
    provider.goto(f"{live_server.url}/placement/voorstellen/{offer.pk}/")
    concerns = provider.get_by_test_id("refusal-concerns")
    provider.get_by_label("Reden van weigering").select_option("no_capacity")
    expect(concerns).to_be_hidden()
    provider.get_by_label("Reden van weigering").select_option("group_composition")
    expect(concerns).to_be_visible()
    concerns.get_by_label("agressie").check()
    check_a11y(provider)
    screenshot(provider, "refusals-1-refuse-with-concern")
    provider.get_by_role("button", name="Weigeren met deze reden").click()
    expect(provider.get_by_text("Uw weigering en de reden zijn vastgelegd.")).to_be_visible()
    offer.refresh_from_db()
    assert (offer.refusal_reason, offer.refusal_concerns) == ("group_composition", ["aggression"])

    reports_rebuild()
    coordinator = as_user(browser, live_server, "coordinator")
    coordinator.goto(f"{live_server.url}/analyses/")
    coordinator.get_by_test_id("refusals-page").click()
    table = coordinator.get_by_test_id("table-refusals-provider-reason")
    expect(table.locator("tbody tr").first).to_contain_text("Aanbieder B")
    expect(table.locator("tbody tr").first).to_contain_text("personeelstekort")
    expect(table.locator("tbody tr").nth(1)).to_contain_text("groepssamenstelling")
    expect(coordinator.get_by_test_id("table-refusals-concern-reason")).to_contain_text("agressie")
    check_a11y(coordinator)
    screenshot(coordinator, "refusals-2-who-refuses-why")
    coordinator.get_by_label("Aanbieder").select_option(label="Aanbieder A")
    coordinator.get_by_role("button", name="Toon").click()
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).not_to_contain_text("Aanbieder B")
