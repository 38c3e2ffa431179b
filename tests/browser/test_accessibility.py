"""axe-core over every page of every role (beside the journeys, which check as they go):
zero serious or critical WCAG 2.1 A/AA violations, and a narrow-screen look at key pages."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page
from pytest_django.live_server_helper import LiveServer

from capacity.models import Location
from placement import services as placement_services
from referrals.models import Referral
from tests.browser.axe import BLOCKING, axe_violations, format_violations
from tests.browser.conftest import new_page, screenshot, sign_in
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sweep(page: Page, base: str, paths: list[str]) -> list[str]:
    failures = []
    for path in paths:
        response = page.goto(f"{base}{path}")
        assert response is not None and response.ok, (path, response and response.status)
        blocking = [v for v in axe_violations(page) if v.get("impact") in BLOCKING]
        if blocking:
            failures.append(format_violations(path, blocking))
    return failures


def test_every_page_of_every_role_passes_axe(
    browser: Browser,
    live_server: LiveServer,
    cast: Cast,
    make_referral: Callable[..., Referral],
    location_a: Location,
    location_b: Location,
) -> None:
    base = live_server.url
    matching = make_referral()
    offered = make_referral()
    offer = placement_services.offer_send(
        referral=offered, location=location_a, by=cast.coordinator
    )
    draft = make_referral(status=Referral.Status.DRAFT)
    failures: list[str] = []

    anonymous = new_page(browser)
    failures += _sweep(anonymous, base, ["/accounts/login/"])
    anonymous.context.close()

    pages: dict[str, list[str]] = {
        "referrer": [
            "/",
            "/meldingen/",
            "/accounts/api-sleutels/",
            "/referrals/",
            "/referrals/new/",
            f"/referrals/{draft.pk}/",
            f"/referrals/{draft.pk}/edit/youth/",
            f"/referrals/{draft.pk}/edit/situation/",
            f"/referrals/{draft.pk}/edit/analysis/",
            f"/referrals/{draft.pk}/edit/plans/",
            f"/referrals/{draft.pk}/edit/review/",
        ],
        "coordinator": [
            "/",
            "/referrals/",
            f"/referrals/{matching.pk}/",
            f"/placement/verzoeken/{matching.pk}/matching/",
            f"/placement/verzoeken/{offered.pk}/matching/",
            "/placement/bord/",
            "/placement/wachtlijst/",
            "/placement/plaatsingen/",
            "/capacity/overzicht/",
            "/achtergrondtaken/",
        ],
        "provider_a": [
            "/",
            "/capacity/mijn-locaties/",
            f"/capacity/locaties/{location_a.pk}/profiel/",
            "/placement/voorstellen/",
            f"/placement/voorstellen/{offer.pk}/",
            "/placement/plaatsingen/",
        ],
        "analyst": ["/"],
    }
    for username, paths in pages.items():
        page = new_page(browser)
        sign_in(page, base, username, TEST_PASSWORD)
        failures += _sweep(page, base, paths)
        page.context.close()
    assert not failures, "\n\n".join(failures)


def test_key_pages_on_a_narrow_screen(
    browser: Browser, live_server: LiveServer, cast: Cast, referral: Referral, location_a: Location
) -> None:
    """375 px wide (a phone): no sideways scrolling of the page itself; tables scroll in
    their own wrapper."""
    base = live_server.url
    for username, path, name in [
        ("coordinator", f"/placement/verzoeken/{referral.pk}/matching/", "narrow-matching"),
        ("provider_a", "/capacity/mijn-locaties/", "narrow-my-locations"),
    ]:
        page = new_page(browser, width=375, height=800)
        sign_in(page, base, username, TEST_PASSWORD)
        page.goto(f"{base}{path}")
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        screenshot(page, name)
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at 375px"
        page.context.close()


def test_keyboard_focus_is_always_visible(
    browser: Browser, live_server: LiveServer, cast: Cast, referral: Referral
) -> None:
    """Tab through the first elements of a page with links, buttons and form fields: each
    focused element draws an outline of at least 2 px (WCAG 2.4.7)."""
    base = live_server.url
    page = new_page(browser)
    sign_in(page, base, "coordinator", TEST_PASSWORD)
    page.goto(f"{base}/placement/verzoeken/{referral.pk}/matching/")
    seen = set()
    for _ in range(25):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
                const el = document.activeElement;
                const style = getComputedStyle(el);
                return {
                    tag: el.tagName, text: (el.textContent || el.name || "").trim().slice(0, 40),
                    outline: style.outlineStyle, width: parseFloat(style.outlineWidth) || 0,
                };
            }"""
        )
        if focused["tag"] == "BODY":
            continue
        seen.add(focused["tag"])
        assert focused["outline"] != "none" and focused["width"] >= 2, focused
    assert {"A", "BUTTON"} <= seen, seen
    page.context.close()
