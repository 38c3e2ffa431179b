"""A referrer fills the guided form, meets the blocking problems, fixes them and submits;
the coordinator sees the referral arrive."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.browser.conftest import screenshot, sign_in
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def save(page: Page) -> None:
    page.get_by_role("button", name="Opslaan en verder").click()


def test_referrer_submits_and_coordinator_sees_it(
    page: Page, live_server: LiveServer, cast: Cast
) -> None:
    today = timezone.localdate()
    sign_in(page, live_server.url, "referrer", TEST_PASSWORD)
    page.goto(f"{live_server.url}/referrals/new/")
    page.get_by_label("Voornaam").fill("Zoë")
    page.get_by_label("Achternaam").fill("Berg")
    page.get_by_label("BSN").fill("111222333")
    page.get_by_label("Geboortedatum").fill("2011-05-03")
    page.get_by_label("Gender").select_option("f")
    page.get_by_label("Postcode").fill("3811 AB")
    page.get_by_label("Woongemeente").select_option("GM0307")
    save(page)

    page.get_by_label("Juridische status").select_option("voluntary")
    page.get_by_label("Huidige situatie").fill("Zoë verblijft bij een tante.")
    save(page)

    page.get_by_label("Problemen").fill("Gedragsproblemen.")
    page.get_by_label("Benodigde zorgvorm, eerste keus").select_option("treatment_group")
    save(page)

    page.get_by_label("Perspectiefplan").fill("Terug naar huis binnen een jaar.")
    save(page)

    # Review: every blocking problem at once.
    page.get_by_role("button", name="Indienen").click()
    problems = page.get_by_test_id("submit-problems")
    expect(problems).to_be_visible()
    expect(problems.locator('[data-path="current_situation"]')).to_be_visible()
    expect(problems.locator('[data-path="safety_plan"]')).to_be_visible()
    expect(problems.locator('[data-path="explanatory_analysis.needs"]')).to_be_visible()
    screenshot(page, "referral-submit-problems")

    # Fix them step by step.
    page.goto(page.url.rsplit("/submit/", 1)[0] + "/edit/situation/")
    page.get_by_label("Huidige situatie").fill("Verblijft tijdelijk bij familie.")
    save(page)
    page.get_by_label("Verklarende factoren").fill("Hechtingsproblematiek.")
    page.get_by_label("Beschermende factoren").fill("Sportief.")
    page.get_by_label("Behoeften").fill("Structuur en behandeling.")
    page.get_by_label("Auteur", exact=True).fill("P. Jansen")
    page.get_by_label("Functie van de auteur").fill("gedragswetenschapper")
    page.get_by_label("Datum afgerond").fill((today - timedelta(days=3)).isoformat())
    save(page)
    page.get_by_label("Veiligheidsplan").fill("Afspraken bij weglopen.")
    page.get_by_label("Zorgvraag").fill("Een behandelgroep dichtbij school.")
    save(page)
    expect(page.get_by_test_id("ready")).to_be_visible()
    page.get_by_role("button", name="Indienen").click()
    expect(page.get_by_test_id("status")).to_contain_text("ingediend")
    code = page.get_by_role("heading", level=1).inner_text().split()[-1]

    page.get_by_role("button", name="Afmelden").click()
    sign_in(page, live_server.url, "coordinator", TEST_PASSWORD)
    page.goto(f"{live_server.url}/referrals/")
    expect(page.get_by_test_id("intake")).to_contain_text(code)
    page.get_by_role("link", name=code).click()
    expect(page.get_by_test_id("identity")).to_contain_text("111222333")
    screenshot(page, "referral-coordinator-view")
