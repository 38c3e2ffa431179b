"""A coordinator signs in with headless Chromium and sees the Dutch start page."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import screenshot, sign_in
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_signs_in_and_sees_the_start_page(
    page: Page, live_server: LiveServer, cast: Cast
) -> None:
    sign_in(page, live_server.url, "coordinator", TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
    expect(page.get_by_test_id("role-intro")).to_contain_text("plaatsingscoördinator")
    # The Utrecht design system is loaded: its tokens style the document.
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert font
    assert page.locator("html.utrecht-theme").count() == 1
    screenshot(page, "foundation-coordinator-start")

    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanmelden")


def test_wrong_password_shows_a_dutch_error(
    page: Page, live_server: LiveServer, cast: Cast
) -> None:
    sign_in(page, live_server.url, "coordinator", "wrong-password")
    expect(page.get_by_role("alert")).to_contain_text("juiste gebruikersnaam")
