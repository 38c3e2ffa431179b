"""Two-factor sign-in in a real browser: enrolment by QR key, the code step, the CSP."""

import base64

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect
from pytest_django import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from tests.accounts.twofactor import code_for_key, enrolled_device, enrolment_code
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def csp_violations(page: Page) -> list[str]:
    """Collect the browser's Content-Security-Policy complaints on this page."""
    found: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            found.append(message.text)

    page.on("console", on_console)
    return found


def test_a_coordinator_enrols_and_signs_in_with_a_code(
    page: Page, live_server: LiveServer, cast: Cast, settings: SettingsWrapper
) -> None:
    settings.REQUIRE_2FA = True
    violations = csp_violations(page)
    code = enrolment_code(cast.coordinator, created_by=cast.admin)
    sign_in(page, live_server.url, "coordinator", TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie instellen")
    # The password alone shows no key: first the enrolment code from the beheerder.
    expect(page.get_by_test_id("qr-code")).to_have_count(0)
    page.get_by_label("Koppelcode", exact=True).fill(code)
    page.get_by_role("button", name="Doorgaan").click()
    expect(page.get_by_test_id("qr-code").locator("svg")).to_be_visible()
    screenshot(page, "security-2fa-enrol")

    # Type the key over, as someone without a camera would.
    key = page.get_by_test_id("manual-key").inner_text().replace(" ", "")
    bin_key = base64.b32decode(key + "=" * (-len(key) % 8))
    page.get_by_label("Code", exact=True).fill(
        "000000" if code_for_key(bin_key) != "000000" else "111111"
    )
    page.get_by_role("button", name="Koppelen").click()
    expect(page.get_by_role("alert")).to_contain_text("Deze code klopt niet")
    page.wait_for_timeout(1_100)  # django-otp waits 1 s after a wrong code, then doubles

    page.get_by_label("Code", exact=True).fill(code_for_key(bin_key))
    page.get_by_role("button", name="Koppelen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw herstelcodes")
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    page.get_by_role("link", name="Ik heb de codes bewaard, verder").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")

    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aanmelden")
    assert violations == []


def test_the_code_step_guards_the_start_page(
    page: Page, live_server: LiveServer, cast: Cast, settings: SettingsWrapper
) -> None:
    settings.REQUIRE_2FA = True
    device = enrolled_device(cast.provider_a)
    sign_in(page, live_server.url, "provider_a", TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie")
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie")
    page.get_by_role("button", name="Annuleren en afmelden").click()

    sign_in(page, live_server.url, "provider_a", TEST_PASSWORD, totp_device=device)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")


def test_lock_out_shows_a_dutch_message_on_the_sign_in_page(
    page: Page, live_server: LiveServer, cast: Cast
) -> None:
    for _ in range(5):
        sign_in(page, live_server.url, "referrer", "wrong-password")
    expect(page.get_by_test_id("locked-out")).to_contain_text("Te veel mislukte aanmeldpogingen")
    expect(page.get_by_label("Gebruikersnaam")).to_be_visible()
    screenshot(page, "security-locked-out")


def test_api_keys_page_and_swagger_ui_run_under_the_csp(
    page: Page, live_server: LiveServer, cast: Cast
) -> None:
    violations = csp_violations(page)
    sign_in(page, live_server.url, "provider_a", TEST_PASSWORD)
    page.get_by_role("link", name="Mijn API-sleutels").click()
    page.get_by_label("Naam").fill("Cliëntsysteem")
    page.get_by_role("button", name="Sleutel aanmaken").click()
    expect(page.get_by_test_id("new-key")).to_contain_text("Kopieer hem nu")
    expect(page.get_by_test_id("api-keys")).to_contain_text("Cliëntsysteem")
    page.get_by_role("button", name="Intrekken").click()
    page.get_by_role("button", name="Ja, intrekken").click()
    expect(page.get_by_test_id("api-keys")).to_contain_text("ingetrokken")

    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Regie op Plaatsing API")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    screenshot(page, "security-swagger-ui")
    assert violations == []
