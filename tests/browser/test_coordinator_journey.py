"""Journey 2, the coordinator: intake of a new request, matching with reasons, an anonymous
proposal, the provider's answer (refusal, then acceptance), the placement, its end with a
re-placement, and a request that has to wait on the waiting list. axe-core on every page."""

from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from capacity.models import Location
from placement import services as placement_services
from placement.models import Offer, Placement
from referrals.models import Referral
from tests.browser.conftest import Journey
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_from_intake_to_replacement_and_waiting_list(
    journey: Journey,
    cast: Cast,
    make_referral: Callable[..., Referral],
    location_a: Location,
    location_b: Location,
) -> None:
    base = journey.base_url
    referral = make_referral(status=Referral.Status.SUBMITTED)
    # Nothing in the region offers a secured place: this one will have to wait.
    no_fit = make_referral(status=Referral.Status.MATCHING, care_forms=["secured"], secured=True)

    page = journey.as_user("coordinator")
    expect(page.get_by_test_id("home-new-requests")).to_have_text("1")
    journey.check(page, "coordinator-1-start")

    # Intake: the new request, oldest first; start matching from the referral page.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Intake").click()
    expect(page.get_by_test_id("intake")).to_contain_text(referral.code)
    journey.check(page, "coordinator-2-intake")
    page.get_by_role("link", name=referral.code).click()
    journey.check(page)
    page.get_by_role("button", name="Start matching").click()
    expect(page.get_by_role("status").first).to_be_visible()
    journey.check(page)
    page.get_by_role("link", name="Naar matching en voorstellen").click()

    # Matching: ranked candidates with the reasons for each score.
    candidates = page.get_by_test_id("candidates")
    first = candidates.locator("li.rop-candidate").first
    expect(first).to_contain_text("Groep A")
    expect(first).to_contain_text("Zorgvorm: 1e keuze")
    journey.check(page, "coordinator-3-matching")
    # By keyboard: focus the proposal's button and press Enter.
    first.get_by_role("button", name="Voorstel anoniem versturen").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Het voorstel is anoniem verstuurd naar Groep A")).to_be_visible()
    journey.check(page)

    # Provider A refuses (in its own browser: see the provider journey); the answer arrives.
    offer = Offer.objects.get(referral=referral, status=Offer.Status.OPEN)
    placement_services.offer_refuse(offer=offer, by=cast.provider_a, reason="group_composition")
    page.get_by_test_id("notifications-link").click()
    expect(page.get_by_role("main")).to_contain_text(referral.code)
    journey.check(page, "coordinator-4-notifications")
    page.goto(f"{base}/placement/verzoeken/{referral.pk}/matching/")
    expect(page.get_by_test_id("offer-history")).to_contain_text("groepssamenstelling")
    first = page.get_by_test_id("candidates").locator("li.rop-candidate").first
    expect(first).to_contain_text("Huis B")
    first.get_by_role("button", name="Voorstel anoniem versturen").click()
    expect(page.get_by_text("Het voorstel is anoniem verstuurd naar Huis B")).to_be_visible()
    journey.check(page)

    offer = Offer.objects.get(referral=referral, status=Offer.Status.OPEN)
    placement_services.offer_accept(offer=offer, by=cast.provider_b)
    page.get_by_role("link", name="Start", exact=True).click()
    expect(page.get_by_test_id("home-answers-in")).to_have_text("2")
    journey.check(page)

    # The placement, with its school arrangement; a missing start date is named and linked.
    page.goto(f"{base}/placement/verzoeken/{referral.pk}/matching/")
    journey.check(page)
    page.get_by_role("link", name="Plaatsing vastleggen").click()
    journey.check(page)
    page.get_by_role("button", name="Plaatsing vastleggen").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text("Startdatum")
    journey.check(page, "coordinator-5-place-errors")
    summary.get_by_role("link", name="Startdatum").click()
    expect(page.get_by_label("Startdatum")).to_be_in_viewport()
    page.get_by_label("Startdatum").fill(timezone.localdate().isoformat())
    page.get_by_label("School tijdens de plaatsing").fill("Het Lyceum")
    page.get_by_label("Hoe is het schoolvervoer geregeld").fill("Taxi via de gemeente")
    page.get_by_label("Wie betaalt het vervoer").select_option("municipality")
    page.get_by_role("button", name="Plaatsing vastleggen").click()
    expect(page.get_by_test_id("placement-status")).to_have_text("actief")
    journey.check(page, "coordinator-6-placement")

    # It ends with a re-placement: a new, linked referral.
    page.get_by_label("Reden").select_option("replacement")
    page.get_by_label("Toelichting", exact=True).fill("Veiligheid op de groep niet te garanderen.")
    page.get_by_role("button", name="Plaatsing beëindigen").click()
    placement = Placement.objects.get()
    assert placement.next_referral is not None
    expect(page.get_by_test_id("next-referral")).to_contain_text(placement.next_referral.code)
    journey.check(page, "coordinator-7-replacement")
    page.get_by_role("link", name="Plaatsingen").first.click()
    journey.check(page)

    # No fitting place for the second request: it waits, with help at home meanwhile.
    page.goto(f"{base}/placement/verzoeken/{no_fit.pk}/matching/")
    expect(page.get_by_test_id("no-candidates")).to_be_visible()
    journey.check(page)
    page.get_by_label("Hulp in de tussentijd").fill("Ambulante gezinsbehandeling, 3x per week.")
    page.get_by_role("button", name="Op de wachtlijst zetten").click()
    expect(page.get_by_test_id("waiting")).to_contain_text(no_fit.code)
    journey.check(page, "coordinator-8-waiting-list")
    page.goto(f"{base}/placement/bord/")
    journey.check(page, "coordinator-9-board")
