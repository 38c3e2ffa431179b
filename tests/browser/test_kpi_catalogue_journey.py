"""Issue 23.6 in the browser: the coordinator sets a target on the targets page, reads it
on the KPI catalogue beside the figure with whether it is met, and opens how it is
computed."""

from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from analyses.services import reports_rebuild
from referrals.models import Referral
from tests.browser.conftest import Journey
from tests.conftest import Cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_target_beside_its_figure(
    journey: Journey, cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    for i in range(10):
        referral = make_referral()
        referral.legal_status = "emergency_secured_authorisation" if i < 5 else "voluntary"
        referral.save(update_fields=["legal_status"])
    reports_rebuild()
    year = str(timezone.localdate().year)

    page = journey.as_user("coordinator")
    page.goto(f"{journey.base_url}/analyses/kengetallen/streefwaarden/")
    journey.check(page)
    page.get_by_label("Kengetal").select_option("emergency_authorisation")
    page.get_by_label("Jaar").fill(year)
    page.get_by_label("Streefwaarde").fill("120")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("hoogstens 100")
    journey.check(page)
    page.get_by_label("Streefwaarde").fill("40")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_test_id("kpi-targets")).to_contain_text("40")

    page.get_by_role("link", name="Naar de kengetallen").click()
    expect(page.get_by_test_id("kpi-value-emergency_authorisation")).to_have_text("50,0%")
    expect(page.get_by_test_id("kpi-target-emergency_authorisation")).to_contain_text("40")
    expect(page.get_by_test_id("kpi-met-emergency_authorisation")).to_have_text("niet gehaald")
    row = page.get_by_test_id("kpi-row-emergency_authorisation")
    row.get_by_text("Hoe berekend").click()
    expect(row).to_contain_text("spoedmachtiging gesloten jeugdhulp")
    journey.check(page, "kpi-catalogue")
