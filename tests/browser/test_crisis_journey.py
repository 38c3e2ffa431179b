"""A crisis placement in the browser (issue 21): the referrer marks the request as crisis, the
crisis part of the form opens, it is submitted without VA and plans, and the detail page says
the documents follow."""

import pytest
from playwright.sync_api import expect

from referrals.models import Referral
from referrals.services import referral_create
from tests.browser.conftest import Journey
from tests.conftest import Cast
from tests.referrals.conftest import complete_payload, to_service_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_crisis_is_registered_first_and_its_documents_follow(journey: Journey, cast: Cast) -> None:
    data = to_service_data(complete_payload(perspective_plan="", safety_plan="", care_question=""))
    del data["explanatory_analysis"]
    referral = referral_create(by=cast.referrer, data=data)
    page = journey.as_user("referrer")
    page.goto(f"{journey.base_url}/referrals/{referral.pk}/edit/situation/")
    journey.check(page)
    crisis_part = page.get_by_test_id("crisis-fields")
    expect(crisis_part).not_to_have_attribute("open", "")
    page.get_by_label("Urgentie").select_option("crisis")
    page.get_by_text("Bij crisis: waarom, en waar is de jongere geplaatst?").click()
    page.get_by_label("Reden van de crisis").fill("Acute onveiligheid thuis na een escalatie.")
    page.get_by_label("Of: andere plek").fill("Crisisopvang De Haven")
    page.get_by_label("Vorige situatie").select_option("home")
    journey.check(page, shot="crisis-situation-step")
    page.get_by_role("button", name="Opslaan en verder").click()
    expect(page.get_by_role("status").first).to_contain_text("opgeslagen")
    page.goto(f"{journey.base_url}/referrals/{referral.pk}/edit/review/")
    journey.check(page)
    page.get_by_role("button", name="Indienen").click()
    flag = page.get_by_test_id("crisis-documents")
    expect(flag).to_contain_text("volgen (uiterlijk")
    journey.check(page, shot="crisis-detail")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED
    assert referral.documents_outstanding
    # The documents step opens again for the referrer; the crisis part shows it is a crisis.
    page.get_by_role("link", name="Documenten aanvullen").click()
    journey.check(page)
    expect(page.get_by_label("Problemen")).to_be_visible()
