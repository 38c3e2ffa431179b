"""The central flow in a real browser: the referrer attaches a document on the referral's
page (the section loads by htmx), the coordinator marks it shareable."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from documents.models import Document
from referrals.models import Referral
from tests.browser.conftest import Journey
from tests.documents.conftest import PDF_BYTES
from tests.placement.conftest import referral  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_attach_and_share_a_document(journey: Journey, referral: Referral, tmp_path: Path) -> None:  # noqa: F811
    pdf = tmp_path / "Verklarende analyse.pdf"
    pdf.write_bytes(PDF_BYTES)
    page = journey.as_user("referrer")
    page.goto(f"{journey.base_url}/referrals/{referral.pk}/")
    expect(page.get_by_test_id("documents-empty")).to_be_visible()
    journey.check(page)
    page.get_by_label("Soort document").select_option("va")
    page.get_by_label("Bestand").set_input_files(str(pdf))
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.get_by_test_id("document-row")).to_contain_text("Verklarende analyse.pdf")
    journey.check(page, shot="documents-referrer")

    coordinator = journey.as_user("coordinator")
    coordinator.goto(f"{journey.base_url}/referrals/{referral.pk}/")
    expect(coordinator.get_by_test_id("document-row")).to_be_visible()
    journey.check(coordinator, shot="documents-coordinator")
    coordinator.get_by_role("button", name="Deelbaar maken").click()
    expect(coordinator.get_by_test_id("document-row")).to_contain_text("Niet meer delen")
    journey.check(coordinator)
    assert Document.objects.get().shareable_anonymised
