"""The coordinator finds "Sanne" from the header search field, opens her request, and reads
the board's cards; both pages pass the accessibility check."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from referrals.models import ExplanatoryAnalysis, Referral, YouthIdentity
from tests.browser.axe import check_a11y
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def referral(cast: Cast, *, code: str, given: str, bsn: str, expert: bool = False) -> Referral:
    youth = YouthIdentity.objects.create(
        given_name=given,
        family_name="Ünal",
        bsn=bsn,
        birth_date=date(2009, 2, 1),
        gender="f",
        municipality=cast.municipality,
    )
    made = Referral.objects.create(
        code=code,
        youth=youth,
        region=cast.region,
        referrer=cast.referrer,
        organisation=cast.referrer_org,
        legal_status="voluntary",
        status=Referral.Status.MATCHING,
        requested_start=date.today() + timedelta(days=20),
        expert_table=expert,
    )
    made.current_analysis = ExplanatoryAnalysis.objects.create(
        referral=made, needed_care_forms=["family_home"]
    )
    made.save(update_fields=["current_analysis"])
    return made


def test_coordinator_finds_a_youth_from_the_header(
    page: Page, live_server: LiveServer, cast: Cast
) -> None:
    sanne = referral(cast, code="ROP-2026-00012", given="Sanne", bsn="111222333", expert=True)
    referral(cast, code="ROP-2026-00013", given="Sannë", bsn="123456782")
    sign_in(page, live_server.url, "coordinator", TEST_PASSWORD)
    header = page.get_by_test_id("header-search")
    header.get_by_role("searchbox").fill("sanne unal")
    header.get_by_role("button", name="Zoeken").click()
    results = page.get_by_test_id("search-results")
    expect(results).to_contain_text("ROP-2026-00012")
    expect(results).to_contain_text("ROP-2026-00013")
    expect(results).to_contain_text("gezinshuis")
    check_a11y(page)
    screenshot(page, "search-results")
    header = page.get_by_test_id("header-search")
    header.get_by_role("searchbox").fill("r-2026-12")
    header.get_by_role("button", name="Zoeken").click()
    expect(page).to_have_url(f"{live_server.url}/referrals/{sanne.pk}/")
    page.goto(f"{live_server.url}/placement/bord/")
    board = page.locator("#col-matching").locator("..")
    expect(board).to_contain_text("17 jaar · gezinshuis · vrijwillig")
    expect(board).to_contain_text("experttafel")
    check_a11y(page)
    screenshot(page, "board-cards")
