"""Page layout (issue 19): at 390 px the header stays small, the menu collapses behind a
"Menu" button that works without JavaScript, no page scrolls sideways, detail pages carry
breadcrumbs and status badges with a text; axe-core passes at both widths."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from capacity.models import Location
from referrals.models import Referral
from tests.browser.conftest import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = 390


def assert_no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"{page.url} is {width} px wide at {PHONE} px"


def test_phone_header_menu_and_no_sideways_scrolling(
    journey: Journey, make_referral: Callable[..., Referral], location_a: Location
) -> None:
    referral = make_referral()

    coordinator = journey.as_user("coordinator", width=PHONE)
    header = coordinator.locator("header.rop-header")
    height = header.evaluate("el => el.getBoundingClientRect().height")
    assert height <= 120, f"header is {height} px high at {PHONE} px"
    # Name, sign-out and notifications stay in the header; the menu is folded away.
    expect(header.get_by_role("button", name="Afmelden")).to_be_visible()
    expect(coordinator.get_by_test_id("notifications-link")).to_be_visible()
    nav = coordinator.get_by_role("navigation", name="Hoofdmenu")
    expect(nav.get_by_role("link", name="Intake")).to_be_hidden()
    nav.get_by_text("Menu", exact=True).click()
    expect(nav.get_by_role("link", name="Intake")).to_be_visible()
    journey.check(coordinator)

    for path in ("/placement/bord/", f"/referrals/{referral.pk}/", "/referrals/"):
        coordinator.goto(journey.base_url + path)
        journey.check(coordinator)
        assert_no_sideways_scroll(coordinator)

    provider = journey.as_user("provider_a", width=PHONE)
    provider.goto(journey.base_url + "/capacity/mijn-locaties/")
    journey.check(provider)
    assert_no_sideways_scroll(provider)
    # The − and + control is on screen, not beyond a sideways-scrolling table.
    plus = provider.get_by_role("button", name="Eén vrije plaats meer bij Groep A")
    box = plus.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE


def test_wide_header_is_one_line_and_detail_pages_have_breadcrumbs(
    journey: Journey, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    page = journey.as_user("coordinator", width=1366)
    header = page.locator("header.rop-header")
    # One line: brand, notifications, the person and "Afmelden" share one row.
    assert header.evaluate("el => el.getBoundingClientRect().height") <= 80
    expect(header).to_contain_text("plaatsingscoördinator")
    nav = page.get_by_role("navigation", name="Hoofdmenu")
    expect(nav.get_by_role("link", name="Intake")).to_be_visible()  # no Menu button needed
    expect(nav.get_by_text("Menu", exact=True)).to_be_hidden()

    page.goto(f"{journey.base_url}/referrals/{referral.pk}/")
    journey.check(page)
    crumbs = page.get_by_role("navigation", name="Kruimelpad")
    expect(crumbs.get_by_role("link", name="Startpagina")).to_be_visible()
    expect(crumbs.get_by_role("link", name="Verzoeken")).to_be_visible()
    expect(crumbs.locator('[aria-current="page"]')).to_have_text(referral.code)
    # The status is a badge with a text, not a colour alone.
    badge = page.get_by_test_id("status").get_by_test_id("status-badge")
    expect(badge).to_have_text("matching")
    expect(badge).to_have_attribute("data-status", "referral-matching")
