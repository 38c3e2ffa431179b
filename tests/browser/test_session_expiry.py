"""An idle session in the browser: warned five minutes before its end, renewed on request,
and a form sent after the end is filled in again once the user has signed in again."""

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect
from pytest_django import Settings

from referrals.models import Referral
from tests.browser.conftest import Journey, screenshot
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_warning_comes_before_the_end_and_staying_signed_in_renews(
    journey: Journey, cast: Cast, settings: Settings
) -> None:
    settings.SESSION_COOKIE_AGE = 303  # the warning (5 minutes before) is due after 3 seconds
    page = journey.as_user("referrer")
    page.goto(f"{journey.base_url}/referrals/new/")
    warning = page.get_by_test_id("session-warning")
    expect(warning).to_be_visible(timeout=10_000)
    expect(warning).to_contain_text("Uw sessie verloopt om")
    journey.check(page, "session-warning")
    page.get_by_role("button", name="Ingelogd blijven").click()
    expect(warning).to_be_hidden()


def test_a_form_sent_after_the_end_is_back_after_signing_in_again(
    journey: Journey, cast: Cast
) -> None:
    page = journey.as_user("referrer")
    page.goto(f"{journey.base_url}/referrals/new/")
    page.get_by_label("Voornaam").fill("Zoë")
    page.get_by_label("Achternaam").fill("Quirijnsdochter")
    page.get_by_label("Geboortedatum").fill("2011-05-03")
    Session.objects.all().delete()  # thirty idle minutes later

    page.get_by_role("button", name="Opslaan en verder").click()
    expect(page.get_by_role("status").first).to_contain_text("Uw sessie was verlopen")
    journey.check(page, "session-expired-sign-in")
    assert Referral.objects.count() == 0

    page.get_by_label("Gebruikersnaam").fill("referrer")
    page.get_by_label("Wachtwoord").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url("**/referrals/new/")
    expect(page.get_by_label("Voornaam")).to_have_value("Zoë")
    expect(page.get_by_label("Achternaam")).to_have_value("Quirijnsdochter")
    expect(page.get_by_label("Geboortedatum")).to_have_value("2011-05-03")
    expect(page.get_by_role("status").first).to_contain_text("teruggezet")
    journey.check(page)
    screenshot(page, "session-expired-restored")
    page.get_by_role("button", name="Opslaan en verder").click()
    expect(page.get_by_role("status").first).to_contain_text("opgeslagen")
    journey.check(page)
    assert Referral.objects.get().youth.family_name == "Quirijnsdochter"
