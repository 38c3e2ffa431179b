"""Headless Chromium (Debian's system package) driven by Playwright against live_server."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

if TYPE_CHECKING:
    from django_otp.plugins.otp_totp.models import TOTPDevice

# Playwright's sync API runs an event loop in this thread; Django's ORM is only used from
# the test body between browser calls, never concurrently with it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def new_page(browser: Browser, *, width: int = 1280, height: int = 900) -> Page:
    """A page in a fresh context (its own cookies: one signed-in user); close its context."""
    context = browser.new_context(locale="nl-NL", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    page = new_page(browser)
    yield page
    page.context.close()


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(
    page: Page,
    base_url: str,
    username: str,
    password: str,
    totp_device: "TOTPDevice | None" = None,
) -> None:
    """Sign in; with REQUIRE_2FA on, pass the user's enrolled device for the code step
    (tests.accounts.twofactor.enrolled_device). With it off (the test default) the
    password is enough, as before."""
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Aanmelden").click()
    if totp_device is not None:
        from tests.accounts.twofactor import next_code

        page.get_by_label("Code", exact=True).fill(next_code(totp_device))
        page.get_by_role("button", name="Controleren").click()


# Fixtures of the placement tests, shared with the browser journeys.
from tests.placement.conftest import (  # noqa: E402, F401
    location_a,
    location_b,
    make_referral,
    referral,
)
