"""Journey 3, the provider: keeps its free places current with − and + (keyboard), answers
two proposals — refuses one with a reason, accepts the other — and sees its placement.
axe-core on every page and after every htmx swap."""

from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from capacity.models import Location
from placement import services as placement_services
from referrals.models import Referral
from tests.browser.conftest import Journey
from tests.conftest import Cast
from tests.placement.conftest import CANARY_STRINGS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_provider_updates_places_refuses_accepts_and_sees_placements(
    journey: Journey,
    cast: Cast,
    make_referral: Callable[..., Referral],
    location_a: Location,
) -> None:
    first = make_referral()
    second = make_referral()
    refused = placement_services.offer_send(
        referral=first, location=location_a, by=cast.coordinator
    )
    accepted = placement_services.offer_send(
        referral=second, location=location_a, by=cast.coordinator
    )
    # Occupied places are placements: the fixture's four occupied ones become "not
    # available", so + has room to grow into.
    Location.objects.filter(pk=location_a.pk).update(occupied_places=0)
    location_a.refresh_from_db()
    free = location_a.free_places

    page = journey.as_user("provider_a")
    expect(page.get_by_test_id("home-open-offers")).to_contain_text(first.code)
    journey.check(page, "provider-1-start")

    # Free places: − and + are real buttons, so Space and Enter work; saved at once (htmx).
    page.get_by_role("link", name="Mijn locaties").first.click()
    journey.check(page)
    plus = page.get_by_role("button", name="Eén vrije plaats meer bij Groep A")
    plus.focus()
    page.keyboard.press("Enter")
    row = page.get_by_test_id(f"location-{location_a.pk}")
    expect(row.get_by_test_id("free-places")).to_have_text(str(free + 1))
    expect(row.get_by_test_id("row-notice")).to_contain_text("Opgeslagen")
    journey.check(page)
    page.get_by_role("button", name="Eén vrije plaats minder bij Groep A").focus()
    page.keyboard.press("Space")
    expect(
        page.get_by_test_id(f"location-{location_a.pk}").get_by_test_id("free-places")
    ).to_have_text(str(free))
    page.get_by_role("button", name="Klopt nog: Groep A").click()
    expect(
        page.get_by_test_id(f"location-{location_a.pk}").get_by_test_id("row-notice")
    ).to_contain_text("Bevestigd")
    journey.check(page, "provider-2-my-locations")
    page.get_by_role("link", name="Profiel wijzigen (Groep A)").click()
    journey.check(page)

    # The inbox: two anonymous proposals, each with its deadline and time left.
    page.get_by_role("link", name="Voorstellen").first.click()
    inbox = page.get_by_test_id("inbox")
    expect(inbox).to_contain_text(first.code)
    expect(inbox).to_contain_text(second.code)
    journey.check(page, "provider-3-inbox")

    # Refusing needs a reason; "anders" needs an explanation too, and the page says so.
    page.get_by_role("link", name=first.code).click()
    html = page.content()
    for canary in CANARY_STRINGS:
        assert canary not in html, canary
    journey.check(page, "provider-4-offer")
    page.get_by_label("Reden van weigering").select_option("other")
    page.get_by_role("button", name="Weigeren met deze reden").click()
    expect(page.locator(".utrecht-form-field-error-message").first).to_be_visible()
    journey.check(page)
    page.get_by_label("Reden van weigering").select_option("group_composition")
    page.get_by_role("button", name="Weigeren met deze reden").click()
    expect(page.get_by_text("Uw weigering en de reden zijn vastgelegd.")).to_be_visible()
    journey.check(page)

    # Accepting the other holds a place at once; only now the identity appears.
    page.goto(f"{journey.base_url}/placement/voorstellen/{accepted.pk}/")
    journey.check(page)
    page.get_by_role("button", name="Accepteren en plek reserveren").click()
    expect(page.get_by_test_id("identity")).to_contain_text("Quirijnsdochter")
    journey.check(page, "provider-5-accepted")
    location_a.refresh_from_db()
    assert location_a.held_places == 1

    # The coordinator records the placement; the provider sees it in its placements.
    accepted.refresh_from_db()
    placement_services.placement_record(
        offer=accepted, by=cast.coordinator, start_date=timezone.localdate()
    )
    page.get_by_role("link", name="Plaatsingen").first.click()
    expect(page.get_by_test_id("placements")).to_contain_text(second.code)
    journey.check(page, "provider-6-placements")
    assert refused.pk != accepted.pk
