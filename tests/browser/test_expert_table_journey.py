"""The expert table and care outside coordination in the browser (issue 21, points 2 and 3):
the coordinator convenes a table, records its outcome after confirming, opens the escalation
dossier, and closes a request as placed outside coordination with its cost per day."""

import pytest
from playwright.sync_api import expect

from placement.models import OutsidePlacement
from referrals.models import ExpertTable, Referral
from referrals.services import referral_create, referral_start_matching, referral_submit
from tests.browser.conftest import Journey
from tests.conftest import Cast
from tests.referrals.conftest import complete_payload, to_service_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_expert_table_dossier_and_outside_care(journey: Journey, cast: Cast) -> None:
    referral = referral_create(by=cast.referrer, data=to_service_data(complete_payload()))
    referral = referral_submit(referral=referral, by=cast.referrer)
    referral = referral_start_matching(referral=referral, by=cast.coordinator)
    page = journey.as_user("coordinator")
    page.goto(f"{journey.base_url}/referrals/{referral.pk}/")
    journey.check(page)
    expect(page.get_by_test_id("expert-tables-empty")).to_be_visible()
    page.get_by_test_id("expert-table-new").click()
    journey.check(page)
    page.get_by_label("Jeugdpsychiatrie").check()
    page.get_by_label("Orthopedagogiek / gedragswetenschap").check()
    page.get_by_label("Vraag aan de experttafel").fill(
        "Past een behandelgroep, of eerst diagnostiek?"
    )
    page.get_by_label("Datum experttafel").fill("2026-01-05")
    journey.check(page, shot="expert-table-new")
    page.get_by_role("button", name="Experttafel vastleggen").click()
    expect(page.get_by_test_id("expert-table")).to_contain_text("Past een behandelgroep")
    journey.check(page, shot="expert-table-section")
    page.get_by_role("link", name="Advies en uitkomst vastleggen").click()
    journey.check(page)
    page.get_by_label("Advies", exact=True).fill("Eerst verder zoeken naar een behandelgroep.")
    page.get_by_label("Uitkomst", exact=True).select_option("back_to_matching")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_test_id("expert-confirm")).to_be_visible()
    journey.check(page, shot="expert-table-confirm")
    page.get_by_role("button", name="Ja, uitkomst vastleggen").click()
    expect(page.get_by_test_id("expert-outcome")).to_contain_text("terug naar matching")
    assert ExpertTable.objects.get().outcome == "back_to_matching"

    page.get_by_test_id("dossier-link").click()
    expect(page.get_by_test_id("dossier-expert")).to_contain_text("Past een behandelgroep")
    journey.check(page, shot="escalation-dossier")

    page.goto(f"{journey.base_url}/referrals/{referral.pk}/close/")
    journey.check(page)
    page.get_by_label("Reden van afsluiten").select_option("placed_outside_coordination")
    page.get_by_label("Of: aanbieder buiten het contract").fill("Zorgboerderij De Horst")
    page.get_by_label("Arrangement").select_option("maatwerk")
    page.get_by_label("Kosten per dag (€)").fill("685,50")
    page.get_by_label("Startdatum").fill("2026-01-10")
    page.get_by_label("Reden", exact=True).select_option("no_fitting_place")
    journey.check(page, shot="close-outside")
    page.get_by_role("button", name="Verder").click()
    expect(page.get_by_test_id("outside-summary")).to_contain_text("Zorgboerderij De Horst")
    journey.check(page)
    page.get_by_role("button", name="Ja, verzoek afsluiten").click()
    expect(page.get_by_test_id("outside-placement")).to_contain_text("maatwerkconstructie")
    journey.check(page, shot="outside-placement-detail")
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED
    assert str(OutsidePlacement.objects.get().cost_per_day) == "685.50"
