"""Journey 1, the referrer: fills the guided form, meets the blocking problems, follows the
links to the fields, fixes them and submits; the coordinator sees the referral arrive.
axe-core checks every page on the way."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import Journey
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def save(page: Page) -> None:
    page.get_by_role("button", name="Opslaan en verder").click()


def test_referrer_submits_and_coordinator_sees_it(journey: Journey, cast: Cast) -> None:
    today = timezone.localdate()
    page = journey.as_user("referrer")
    # From the start page to a new referral, by its link.
    page.get_by_role("link", name="Nieuw verzoek opstellen").click()
    journey.check(page, "referral-1-new")
    page.get_by_label("Voornaam").fill("Zoë")
    page.get_by_label("Achternaam").fill("Berg")
    page.get_by_label("BSN", exact=True).fill("111222333")
    page.get_by_label("Geboortedatum").fill("2011-05-03")
    page.get_by_label("Gender").select_option("f")
    page.get_by_label("Postcode").fill("3811 AB")
    page.get_by_label("Woongemeente").select_option("GM0307")
    save(page)
    expect(page.get_by_role("status").first).to_contain_text("opgeslagen")
    journey.check(page)

    page.get_by_label("Juridische status").select_option("voluntary")
    page.get_by_label("Huidige situatie").fill("Zoë verblijft bij een tante.")
    save(page)
    journey.check(page)

    page.get_by_label("Problemen").fill("Gedragsproblemen.")
    page.get_by_label("Benodigde zorgvorm, eerste keus").select_option("treatment_group")
    save(page)
    journey.check(page)

    page.get_by_label("Perspectiefplan", exact=True).fill("Terug naar huis binnen een jaar.")
    save(page)
    journey.check(page)

    # Review: every blocking problem at once, each a link to its field.
    page.get_by_role("button", name="Indienen").click()
    problems = page.get_by_test_id("submit-problems")
    expect(problems).to_be_visible()
    expect(problems.locator('[data-path="current_situation"]')).to_be_visible()
    expect(problems.locator('[data-path="safety_plan"]')).to_be_visible()
    expect(problems.locator('[data-path="explanatory_analysis.needs"]')).to_be_visible()
    journey.check(page, "referral-2-submit-problems")

    # Fix them step by step, following the links.
    problems.locator('[data-path="current_situation"]').get_by_role("link").click()
    assert page.url.endswith("/edit/situation/#id_current_situation"), page.url
    journey.check(page)
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
    # Zoë's name in free text is identifying data: the service refuses it, the page says where.
    page.get_by_label("Zorgvraag").fill("Zoë heeft een behandelgroep dichtbij school nodig.")
    save(page)
    page.get_by_role("button", name="Indienen").click()
    problems = page.get_by_test_id("submit-problems")
    expect(problems.locator('[data-path="care_question"]')).to_be_visible()
    journey.check(page)
    problems.locator('[data-path="care_question"]').get_by_role("link").click()
    page.get_by_label("Zorgvraag").fill("Een behandelgroep dichtbij school.")
    # Keyboard only: Enter on the focused button saves.
    page.get_by_role("button", name="Opslaan en verder").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("ready")).to_be_visible()
    journey.check(page, "referral-3-ready")
    page.get_by_role("button", name="Indienen").click()
    expect(page.get_by_test_id("status")).to_contain_text("ingediend")
    code = page.get_by_role("heading", level=1).inner_text().split()[-1]
    journey.check(page, "referral-4-submitted")
    page.get_by_role("link", name="Mijn verzoeken").click()
    expect(page.get_by_role("link", name=code)).to_be_visible()
    journey.check(page)

    coordinator = journey.as_user("coordinator")
    coordinator.goto(f"{journey.base_url}/referrals/")
    expect(coordinator.get_by_test_id("intake")).to_contain_text(code)
    journey.check(coordinator)
    coordinator.get_by_role("link", name=code).click()
    expect(coordinator.get_by_test_id("identity")).to_contain_text("111222333")
    journey.check(coordinator, "referral-5-coordinator-view")
