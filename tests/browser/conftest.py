"""Headless Chromium (Debian's system package) driven by Playwright against live_server."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Frame, Page, sync_playwright

from tests.browser.axe import check_a11y
from tests.factories import TEST_PASSWORD

if TYPE_CHECKING:
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from pytest_django.live_server_helper import LiveServer

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


class Journey:
    """The pages of one journey: axe-core after every step, and proof that no page the
    browsers navigated to went unchecked (`a11y` fixture asserts it at the end)."""

    def __init__(self, browser: Browser, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.visited: dict[str, None] = {}
        self.checked: set[str] = set()
        self.pages: list[Page] = []

    def watch(self, page: Page) -> Page:
        def navigated(frame: Frame) -> None:
            if frame == page.main_frame:
                self.visited[urlsplit(frame.url).path] = None

        page.on("framenavigated", navigated)
        return page

    def as_user(self, username: str, *, width: int = 1280) -> Page:
        """A browser of its own for one user, signed in; the sign-in page is checked too."""
        page = self.watch(new_page(self.browser, width=width))
        self.pages.append(page)
        page.goto(f"{self.base_url}/accounts/login/")
        self.check(page)
        sign_in(page, self.base_url, username, TEST_PASSWORD)
        self.check(page)
        return page

    def check(self, page: Page, shot: str = "") -> None:
        """axe on the page as it is now (after a navigation or an htmx swap)."""
        check_a11y(page)
        self.checked.add(urlsplit(page.url).path)
        if shot:
            screenshot(page, shot)

    def unchecked(self) -> list[str]:
        return [path for path in self.visited if path not in self.checked]

    def close(self) -> None:
        for page in self.pages:
            page.context.close()


@pytest.fixture
def journey(browser: Browser, live_server: "LiveServer") -> Iterator[Journey]:
    journey = Journey(browser, live_server.url)
    yield journey
    unchecked = journey.unchecked()
    journey.close()
    assert not unchecked, f"pages visited without an axe check: {unchecked}"
