"""Issue 21 point 3: the new analyst tables (care outside coordination, origin and urgency,
bed-days and cost) pass axe-core, for the analyst (suppressed cells) and the coordinator
(exact figures), on a world like the demo's: outside care, crisis requests, a prevented
re-placement, outflow, tariffs (tests.analyses.test_reports_issue21.world)."""

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.analyses.test_reports_issue21 import world  # noqa: F401 - the fixture
from tests.browser.axe import BLOCKING, axe_violations, format_violations
from tests.browser.conftest import Journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABLES = (
    "table-outside-care",
    "table-origin",
    "table-bed-days-municipality",
    "table-bed-days-region",
    "table-bed-days-care-form",
)


@pytest.mark.parametrize("who", ["analyst", "coordinator"])
def test_the_analyst_tables_have_no_serious_axe_violations(
    journey: Journey,
    world: dict[str, Any],  # noqa: F811 - the imported fixture
    who: str,
) -> None:
    page = journey.as_user(who)
    response = page.goto(f"{journey.base_url}/analyses/")
    assert response is not None and response.ok
    for name in TABLES:
        table = page.get_by_test_id(name)
        expect(table).to_be_visible()
        # Filled, not the empty state: the rows axe is to check are there.
        expect(table.locator("tbody tr").first).not_to_contain_text("Geen gegevens")
    blocking = [v for v in axe_violations(page) if v.get("impact") in BLOCKING]
    assert not blocking, format_violations(page.url, blocking)
    journey.check(page, f"analyses-axe-{who}")
    # Narrow screen: the wide tables scroll in their own region, still without violations.
    page.set_viewport_size({"width": 390, "height": 844})
    journey.check(page, f"analyses-axe-{who}-narrow")
