"""The referral form keeps its dates: each date typed on a step shows again when the step is
opened, and saving a step unchanged leaves every date as it was (a date rendered in the Dutch
format was shown empty by `<input type="date">`, and the next save erased it)."""

import pytest
from playwright.sync_api import Page, expect

from referrals.models import Referral
from tests.browser.conftest import Journey
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DATES = {
    "youth": ("Geboortedatum", "2011-05-03"),
    "situation": ("Gewenste startdatum", "2027-01-11"),
    "analysis": ("Datum afgerond", "2026-11-20"),
}


def save(page: Page) -> None:
    page.get_by_role("button", name="Opslaan en verder").click()


def test_every_date_of_the_referral_form_survives_opening_and_saving(
    journey: Journey, cast: Cast
) -> None:
    page = journey.as_user("referrer")
    page.goto(f"{journey.base_url}/referrals/new/")
    journey.check(page)
    page.get_by_label("Voornaam").fill("Zoë")
    page.get_by_label("Geboortedatum").fill(DATES["youth"][1])
    save(page)
    expect(page.get_by_role("status").first).to_contain_text("opgeslagen")
    referral = Referral.objects.get()
    for step in ("situation", "analysis"):
        page.goto(f"{journey.base_url}/referrals/{referral.pk}/edit/{step}/")
        journey.check(page)
        page.get_by_label(DATES[step][0]).fill(DATES[step][1])
        save(page)
        expect(page.get_by_role("status").first).to_contain_text("opgeslagen")
        journey.check(page)

    # Open every step again: the dates are shown, and a save without a change keeps them.
    for step, (label, value) in DATES.items():
        page.goto(f"{journey.base_url}/referrals/{referral.pk}/edit/{step}/")
        journey.check(page)
        expect(page.get_by_label(label)).to_have_value(value)
        save(page)
        expect(page.get_by_role("status").first).to_contain_text("opgeslagen")
        journey.check(page)

    referral = Referral.objects.select_related("youth", "current_analysis").get()
    assert referral.youth.birth_date is not None
    assert referral.youth.birth_date.isoformat() == DATES["youth"][1]
    assert referral.requested_start is not None
    assert referral.requested_start.isoformat() == DATES["situation"][1]
    assert referral.current_analysis is not None and referral.current_analysis.completed_on
    assert referral.current_analysis.completed_on.isoformat() == DATES["analysis"][1]
