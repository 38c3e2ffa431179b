"""Issue 18 point 11: a suppressed figure is shown in the charts as "<5" or "x", never as
nothing or zero; why "geen reactie (verlopen)" went missing from the refusals chart."""

import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from analyses.services import reports_rebuild
from capacity.models import Location
from placement.models import Offer
from referrals.models import Referral
from tests.conftest import Cast


@pytest.fixture
def expired(
    cast: Cast, make_referral: Callable[..., Referral], location_a: Location, location_b: Location
) -> None:
    """Provider A let 2 offers expire, provider B 6; provider B refused 3 for lack of room.
    The provider table shows the analyst B's 6 and A's "<5": 8 in all, not shown."""
    referral = make_referral()
    now = timezone.now()
    for location, status, reason, count in (
        (location_a, "expired", "no_response", 2),
        (location_b, "expired", "no_response", 6),
        (location_b, "refused", "no_capacity", 3),
    ):
        for _ in range(count):
            Offer.objects.create(
                referral=referral,
                location=location,
                provider=location.provider,
                sent_by=cast.coordinator,
                deadline=now - timedelta(days=1),
                status=status,
                refusal_reason=reason,
                answered_at=now,
            )
    reports_rebuild()


def _page(cast: Cast, who: str) -> str:
    client = Client()
    client.force_login(getattr(cast, who))
    response = client.get("/analyses/")
    assert response.status_code == 200
    return response.content.decode()


def _charts(html: str) -> dict[str, Any]:
    match = re.search(
        r'<script id="analyses-chart-data" type="application/json">(.*?)</script>', html
    )
    assert match
    return json.loads(match.group(1))


@pytest.mark.usefixtures("expired")
def test_suppressed_refusals_are_labelled_in_the_chart(cast: Cast) -> None:
    html = _page(cast, "analyst")
    refusals = _charts(html)["refusals"]
    shown = dict(zip(refusals["labels"], refusals["shown"], strict=True))
    values = dict(zip(refusals["labels"], refusals["values"], strict=True))
    # 3 refusals for lack of room: "<5", written as such (no bar, no zero).
    assert shown["geen plek"] == "<5" and values["geen plek"] is None
    # The 8 expiries are rounded to 10 on their own (issue 23): beside the provider
    # table's rounded figures they give an interval, not A's 2.
    assert shown["geen reactie (verlopen)"] == 10 and values["geen reactie (verlopen)"] == 10
    assert {p["label"]: p["shown"] for p in refusals["suppressed"]} == {"geen plek": "<5"}
    # The text under the chart, which the canvas points at for screen readers.
    assert 'aria-describedby="chart-refusals-suppressed"' in html
    caption = html[html.index('id="chart-refusals-suppressed"') :]
    caption = caption[: caption.index("</figcaption>")]
    assert "geen plek: <strong>&lt;5</strong>" in caption
    assert "geen reactie (verlopen)" not in caption


@pytest.mark.usefixtures("expired")
def test_the_coordinator_sees_the_exact_bars(cast: Cast) -> None:
    html = _page(cast, "coordinator")
    refusals = _charts(html)["refusals"]
    assert dict(zip(refusals["labels"], refusals["values"], strict=True)) == {
        "geen reactie (verlopen)": 8,
        "geen plek": 3,
    }
    assert refusals["suppressed"] == []
    assert "chart-refusals-suppressed" not in html


@pytest.mark.usefixtures("expired")
def test_the_expiries_show_once_the_provider_table_hides_nothing(
    cast: Cast, location_a: Location
) -> None:
    """The cause of the missing bar is the provider table's small count, not the reason
    code: with A's expiries at 5 the 11 expiries are drawn."""
    referral = Offer.objects.first().referral  # type: ignore[union-attr]
    for _ in range(3):
        Offer.objects.create(
            referral=referral,
            location=location_a,
            provider=location_a.provider,
            sent_by=cast.coordinator,
            deadline=timezone.now(),
            status="expired",
            refusal_reason="no_response",
            answered_at=timezone.now(),
        )
    reports_rebuild()
    refusals = _charts(_page(cast, "analyst"))["refusals"]
    values = dict(zip(refusals["labels"], refusals["values"], strict=True))
    assert values["geen reactie (verlopen)"] == 10  # 11, rounded to base 5


@pytest.mark.usefixtures("expired")
def test_hidden_occupancy_rates_are_listed(cast: Cast, location_a: Location) -> None:
    """Occupancy with 1–4 youths in the places: the rate is "x", listed under the chart."""
    Location.objects.filter(pk=location_a.pk).update(
        occupied_places=2, free_places=4, held_places=0
    )
    reports_rebuild()
    html = _page(cast, "analyst")
    occupancy = _charts(html)["occupancy"]
    serie = next(s for s in occupancy["series"] if s["label"] == "behandelgroep")
    assert set(serie["shown"]) == {"x"} and set(serie["values"]) == {None}
    assert any(p["label"].startswith("behandelgroep, ") for p in occupancy["suppressed"])
    assert 'id="chart-occupancy-suppressed"' in html


def test_the_re_placement_chart_leaves_out_start_months_still_open() -> None:
    from datetime import date

    from analyses.selectors import judgeable_start_months

    months = ["2025-10", "2025-11", "2025-12", "2026-01"]
    # On 1 December 2026 November 2025's twelve months (to 30 November 2026) are over.
    assert judgeable_start_months(months, date(2026, 12, 1)) == ["2025-10", "2025-11"]
    assert judgeable_start_months(months, date(2026, 11, 30)) == ["2025-10"]
    assert judgeable_start_months(months, date(2027, 2, 1)) == months


@pytest.mark.usefixtures("expired")
def test_the_re_placement_chart_says_why_recent_months_are_missing(cast: Cast) -> None:
    html = _page(cast, "coordinator")
    assert 'data-testid="chart-replacements-note"' in html
    labels = _charts(html)["replacements"]["labels"]
    today = timezone.localdate()
    assert all(int(m[:4]) * 12 + int(m[5:7]) + 12 < today.year * 12 + today.month for m in labels)


def test_the_dashboard_shows_every_need_profile_on_request(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.analyst)
    assert client.get("/analyses/").context["unmet_limit"] == 25
    assert client.get("/analyses/?alle=unmet-need").context["unmet_limit"] is None
