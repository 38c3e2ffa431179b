"""The analyst opens the dashboard: charts are drawn, and a table downloads as CSV."""

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from analyses.services import reports_rebuild
from tests.browser.axe import check_a11y
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_analyst_sees_charts_and_downloads_csv(
    page: Page, live_server: LiveServer, cast: Cast
) -> None:
    reports_rebuild()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server.url, "analyst", TEST_PASSWORD)
    page.get_by_role("link", name="Analyses").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Analyses")
    for chart in ("chart-refusals", "chart-occupancy", "chart-replacements"):
        expect(page.get_by_test_id(chart)).to_have_attribute("data-drawn", "true")
    expect(page.get_by_test_id("built-at")).to_contain_text("Gebouwd op")
    check_a11y(page)
    screenshot(page, "analyses-dashboard")
    with page.expect_download() as download:
        page.get_by_test_id("export-refusal-reasons").click()
    path = download.value.path()
    assert path is not None
    assert "Reden" in path.read_text(encoding="utf-8")
    assert not [e for e in errors if "Content Security Policy" in e]
