"""Expected vacancies checked afterwards (issue 22.5): the report "Verwachte vrije plekken:
uitgekomen?" per period × region × care form, counted by hand; suppressed for the analyst
(also against subtracting the outcomes from the forecasts), exact within the coordinator's
scope; on the dashboard, in CSV and in the API."""

import csv
import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from analyses import forecasts, selectors
from analyses.disclosure import HIDDEN, SMALL, Disclosure
from analyses.models import ForecastCheckRow
from analyses.services import reports_rebuild
from capacity.models import Location
from placement.models import Offer, Placement, VacancyForecast
from referrals.models import Referral
from tests.conftest import Cast

EXACT, SUPPRESSED = Disclosure(exact=True), Disclosure(exact=False)
TODAY = timezone.localdate


def _placement(
    cast: Cast,
    referral: Referral,
    location: Location,
    *,
    expected: date,
    ended: date | None = None,
    status: str = "",
) -> Placement:
    offer = Offer.objects.create(
        referral=referral,
        location=location,
        provider=location.provider,
        sent_by=cast.coordinator,
        deadline=timezone.now(),
        status="accepted",
        answered_at=timezone.now(),
    )
    fields: dict[str, Any] = {"status": status or ("ended" if ended else "active")}
    if ended:
        fields.update(end_date=ended, end_reason="planned_outflow")
    if fields["status"] == "cancelled":
        fields.update(cancel_reason="Valt weg", cancelled_at=timezone.now())
    placement = Placement.objects.create(
        referral=referral,
        offer=offer,
        location=location,
        provider=location.provider,
        created_by=cast.coordinator,
        start_date=TODAY() - timedelta(days=120),
        planned_end=expected,
        **fields,
    )
    VacancyForecast.objects.create(placement=placement, location=location, expected_on=expected)
    return placement


@pytest.fixture
def world(
    cast: Cast, make_referral: Callable[..., Referral], location_a: Location
) -> dict[str, Any]:
    """At location A (treatment group), forecasts expected 40 days ago unless said: 5 came
    true (ended 5 days after), 1 ended earlier (30 days before), 2 later (one ended 30
    days after, one still running), 1 pending (expected in 10 days). Not counted: a forecast
    superseded by a later one, and a cancelled placement's."""
    expected = TODAY() - timedelta(days=40)
    placements = [
        _placement(
            cast, make_referral(), location_a, expected=expected, ended=expected + timedelta(days=5)
        )
        for _ in range(5)
    ]
    _placement(
        cast, make_referral(), location_a, expected=expected, ended=expected - timedelta(days=30)
    )
    _placement(
        cast, make_referral(), location_a, expected=expected, ended=expected + timedelta(days=30)
    )
    _placement(cast, make_referral(), location_a, expected=expected)
    _placement(cast, make_referral(), location_a, expected=TODAY() + timedelta(days=10))
    VacancyForecast.objects.create(
        placement=placements[0],
        location=location_a,
        expected_on=expected - timedelta(days=60),
        superseded_at=timezone.now() - timedelta(days=90),
    )
    _placement(cast, make_referral(), location_a, expected=expected, status="cancelled")
    reports_rebuild()
    return {"expected": expected}


def _filters(cast: Cast, period: str = "all") -> selectors.Filters:
    return selectors.Filters(period=period, region=cast.region.code)


def test_each_outcome_is_counted_by_hand(cast: Cast, world: dict[str, Any]) -> None:
    row = ForecastCheckRow.objects.get(period="all", region=cast.region.code)
    assert row.care_form == "treatment_group"
    assert (row.forecasts, row.came_true, row.ended_earlier, row.ended_later, row.pending) == (
        9,
        5,
        1,
        2,
        1,
    )
    month = f"{world['expected']:%Y-%m}"
    in_month = ForecastCheckRow.objects.get(period=month, region="")
    # the pending one falls in another month unless today is early in the month
    assert in_month.forecasts in (8, 9)
    table = forecasts.forecast_check(filters=_filters(cast), disclosure=EXACT)
    assert table.rows[0]["came_true_share"] == 62.5  # 5 of the 8 settled
    assert table.totals["forecasts"] == 9


def test_the_tolerance_is_a_setting(cast: Cast, world: dict[str, Any], settings: Any) -> None:
    settings.FORECAST_TOLERANCE_DAYS = 3  # ended 5 days after: no longer "came true"
    reports_rebuild()
    row = ForecastCheckRow.objects.get(period="all", region=cast.region.code)
    assert (row.came_true, row.ended_later) == (0, 7)


def test_the_analyst_sees_small_outcomes_suppressed_and_no_total_that_reveals_them(
    cast: Cast, world: dict[str, Any]
) -> None:
    table = forecasts.forecast_check(filters=_filters(cast), disclosure=SUPPRESSED)
    row = table.rows[0]
    assert row["came_true"] == SUPPRESSED.count(5)
    assert (row["ended_earlier"], row["ended_later"], row["pending"]) == (SMALL, SMALL, SMALL)
    # the forecasts are the total of the outcomes: shown as the Disclosure shows a total
    # (hidden, or rounded), never the exact 9 that gives back the small ones
    assert row["forecasts"] == SUPPRESSED.total(9, [5, 1, 2, 1]) != 9
    assert table.totals["forecasts"] != 9
    # the share would give back its base (8) and with it the small outcomes: hidden
    assert row["came_true_share"] == HIDDEN
    assert table.totals["came_true_share"] == HIDDEN


def test_one_suppressed_outcome_keeps_the_forecasts_of_its_row_from_giving_it_back(
    cast: Cast, make_referral: Callable[..., Referral], location_a: Location
) -> None:
    expected = TODAY() - timedelta(days=40)
    for _ in range(6):
        _placement(cast, make_referral(), location_a, expected=expected, ended=expected)
    _placement(cast, make_referral(), location_a, expected=expected)  # later: 1
    reports_rebuild()
    table = forecasts.forecast_check(filters=_filters(cast), disclosure=SUPPRESSED)
    row = table.rows[0]
    assert (row["came_true"], row["ended_later"], row["ended_earlier"]) == (
        SUPPRESSED.count(6),
        SMALL,
        SUPPRESSED.count(0),
    )
    assert row["forecasts"] == SUPPRESSED.total(7, [6, 1, 0, 0]) != 7
    assert row["came_true_share"] == HIDDEN
    exact = forecasts.forecast_check(filters=_filters(cast), disclosure=EXACT).rows[0]
    assert (exact["forecasts"], exact["ended_later"]) == (7, 1)


def test_the_api_is_exact_for_the_coordinator_and_suppressed_for_the_analyst(
    api_client_for: Callable[..., APIClient], cast: Cast, world: dict[str, Any]
) -> None:
    coordinator = api_client_for(cast.coordinator).get("/api/v1/reports/forecasts/")
    assert coordinator.status_code == 200
    body = coordinator.json()
    assert body["filters"]["region"] == cast.region.code  # its own region
    assert body["tolerance_days"] == 14
    row = body["forecasts"]["rows"][0]
    assert row["care_form"] == "treatment_group"
    assert (row["forecasts"], row["came_true"], row["ended_earlier"]) == (9, 5, 1)
    analyst = api_client_for(cast.analyst).get(
        "/api/v1/reports/forecasts/", {"region": cast.region.code}
    )
    assert analyst.status_code == 200
    shown = analyst.json()["forecasts"]["rows"][0]
    assert (shown["forecasts"], shown["ended_earlier"]) == (
        SUPPRESSED.total(9, [5, 1, 2, 1]),
        SMALL,
    )


def test_the_api_keeps_to_the_scope_and_refuses_bad_filters(
    api_client_for: Callable[..., APIClient], cast: Cast, world: dict[str, Any]
) -> None:
    coordinator = api_client_for(cast.coordinator)
    other = coordinator.get("/api/v1/reports/forecasts/", {"region": cast.other_region.code})
    assert other.status_code == 404
    bad = coordinator.get("/api/v1/reports/forecasts/", {"period": "2026-13"})
    assert bad.status_code == 400
    assert "period" in bad.json()["errors"]
    for who in (cast.referrer, cast.provider_a, cast.admin):  # other roles: as if absent
        assert api_client_for(who).get("/api/v1/reports/forecasts/").status_code == 404
    assert api_client_for(None).get("/api/v1/reports/forecasts/").status_code in (401, 403)


def test_the_dashboard_shows_the_section_and_the_csv_matches(
    cast: Cast, world: dict[str, Any]
) -> None:
    client = Client()
    client.force_login(cast.analyst)
    page = client.get("/analyses/", {"regio": cast.region.code})
    assert page.status_code == 200
    content = page.content.decode()
    assert "Verwachte vrije plekken: uitgekomen?" in content
    assert 'data-testid="table-forecasts"' in content
    export = client.get("/analyses/export/forecasts.csv", {"regio": cast.region.code})
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    header = next(r for r in rows if "Verwachte vrije plekken" in r)
    data = rows[rows.index(header) + 1]
    assert data[header.index("Verwachte vrije plekken")] == str(SUPPRESSED.total(9, [5, 1, 2, 1]))
    assert data[header.index("Eerder vrijgekomen")] == SMALL
    assert data[header.index("Uitgekomen")] == str(SUPPRESSED.count(5))


def test_the_dashboard_shows_an_empty_state_without_forecasts(cast: Cast) -> None:
    reports_rebuild()
    client = Client()
    client.force_login(cast.coordinator)
    content = client.get("/analyses/").content.decode()
    assert "Verwachte vrije plekken: uitgekomen?" in content
    assert "Geen gegevens voor deze selectie." in content


def test_the_endpoint_is_in_the_openapi_schema() -> None:
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    get = paths["/api/v1/reports/forecasts/"]["get"]
    assert {"period", "region", "care_form"} <= {p["name"] for p in get["parameters"]}


def test_the_api_reads_in_a_fixed_number_of_queries(
    api_client_for: Callable[..., APIClient],
    cast: Cast,
    make_referral: Callable[..., Referral],
    location_a: Location,
    location_b: Location,
    django_assert_max_num_queries: Any,
) -> None:
    expected = TODAY() - timedelta(days=40)
    for location in (location_a, location_b):
        for _ in range(3):
            _placement(cast, make_referral(), location, expected=expected, ended=expected)
    reports_rebuild()
    client = api_client_for(cast.coordinator)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/reports/forecasts/")
    assert len(response.json()["forecasts"]["rows"]) == 2
