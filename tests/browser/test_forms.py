"""Forms in the browser (issue 19, point 2): after a bad submit the error summary takes the
focus and its links move the focus to their field; long text fields count the characters
left as one types; axe-core passes on the form and its error state."""

import pytest
from playwright.sync_api import Page, expect

from referrals.forms import TEXT_MAX_LENGTH
from referrals.models import Referral
from referrals.services import referral_create
from tests.browser.conftest import Journey
from tests.conftest import Cast
from tests.referrals.conftest import complete_payload, to_service_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def draft(cast: Cast, **overrides: object) -> Referral:
    return referral_create(by=cast.referrer, data=to_service_data(complete_payload(**overrides)))


def focused_id(page: Page) -> str:
    return str(page.evaluate("() => document.activeElement && document.activeElement.id"))


def test_error_summary_takes_focus_and_links_to_the_field(journey: Journey, cast: Cast) -> None:
    referral = draft(cast)
    page = journey.as_user("referrer")
    page.goto(f"{journey.base_url}/referrals/{referral.pk}/edit/analysis/")
    journey.check(page)
    # The hint and the mark, outside the label: the label text stays exactly "Behoeften".
    needs = page.get_by_label("Behoeften", exact=True)
    expect(needs).to_have_accessible_description(
        "(verplicht voor indienen) Wat heeft de jongere écht nodig om zo thuis mogelijk op te "
        "groeien? Beschrijf de werkelijke behoefte, niet het aanbod dat nu beschikbaar is. "
        "Maximaal 20.000 tekens."
    )
    needs.fill("x" * (TEXT_MAX_LENGTH + 5))  # JavaScript lifted maxlength: nothing cut off
    expect(page.locator("#id_needs_count")).to_have_text("5 tekens te veel")
    page.get_by_role("button", name="Opslaan en verder").click()

    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading")).to_have_text("Er is een probleem")
    journey.check(page, "forms-error-summary")
    summary.get_by_role("link", name="Behoeften:").click()
    expect(page.locator("#id_needs")).to_be_focused()
    assert focused_id(page) == "id_needs"
    expect(page.locator("#id_needs_error")).to_be_visible()


def test_characters_left_update_while_typing(journey: Journey, cast: Cast) -> None:
    referral = draft(cast, perspective_plan="")
    page = journey.as_user("referrer")
    page.goto(f"{journey.base_url}/referrals/{referral.pk}/edit/plans/")
    journey.check(page)
    counter = page.locator("#id_perspective_plan_count")
    expect(counter).to_have_text("Nog 20.000 tekens")
    expect(counter).to_have_attribute("aria-live", "polite")
    page.get_by_label("Perspectiefplan", exact=True).press_sequentially("Naar huis")
    expect(counter).to_have_text("Nog 19.991 tekens")
    journey.check(page, "forms-characters-left")
