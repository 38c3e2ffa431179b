"""Issue 18 point 12: a coordinator reads the reports of its own regions only; every filter
either filters every report or is refused with a 400 naming it."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Municipality
from analyses.services import reports_rebuild
from capacity.models import Location
from placement.models import Offer, Placement
from referrals.models import Referral
from tests.conftest import Cast
from tests.factories import LocationFactory, RegionFactory

API = [f"/api/v1/reports/{t}/" for t in ("unmet-need", "refusals", "replacements", "kpis")]
EXPORTS = [
    f"/analyses/export/{t}.csv"
    for t in (
        "unmet-need",
        "need-matrix",
        "refusal-reasons",
        "providers",
        "replacements",
        "chains",
        "kpis",
        "occupancy",
    )
]


def _offer(referral: Referral, location: Location, cast: Cast, **fields: Any) -> Offer:
    now = timezone.now()
    return Offer.objects.create(
        referral=referral,
        location=location,
        provider=location.provider,
        sent_by=cast.coordinator,
        deadline=now,
        answered_at=now + timedelta(hours=3),
        **fields,
    )


@pytest.fixture
def flevo_location(cast: Cast) -> Location:
    """A family home contracted by Flevoland only."""
    return LocationFactory(
        provider=cast.provider_b_org,
        name="Gezinshuis F",
        municipality=Municipality.objects.get(code="GM0995"),
        regions=[cast.other_region],
        care_form="family_home",
        age_min=10,
        age_max=18,
    )


@pytest.fixture
def built(
    cast: Cast,
    make_referral: Callable[..., Referral],
    location_a: Location,
    location_b: Location,
    flevo_location: Location,
) -> None:
    """Eemland: one referral placed at A after B refused; one waiting. Flevoland: one
    waiting after a refusal at its family home."""
    r1 = make_referral(status=Referral.Status.PLACED)
    _offer(r1, location_b, cast, status="refused", refusal_reason="no_capacity")
    accepted = _offer(r1, location_a, cast, status="accepted")
    Placement.objects.create(
        referral=r1,
        offer=accepted,
        location=location_a,
        provider=location_a.provider,
        start_date=timezone.localdate(),
        created_by=cast.coordinator,
        status="active",
    )
    make_referral(status=Referral.Status.WAITING)
    r3 = make_referral(
        status=Referral.Status.WAITING,
        municipality=Municipality.objects.get(code="GM0995"),
        care_forms=["family_home"],
    )
    _offer(r3, flevo_location, cast, status="refused", refusal_reason="distance")
    reports_rebuild()


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.usefixtures("built")
def test_a_coordinator_reads_its_own_region_exactly(cast: Cast, api_client_for: Any) -> None:
    api = api_client_for(cast.coordinator)
    for url in API:
        body = api.get(url).json()
        assert body["filters"]["region"] == cast.region.code, url
    unmet = api.get("/api/v1/reports/unmet-need/").json()
    # Eemland's two referrals, exactly (Flevoland's third is not in it).
    assert sum(row["referrals"] for row in unmet["profiles"]["rows"]) == 2
    assert api.get(f"/api/v1/reports/unmet-need/?region={cast.region.code}").status_code == 200
    page = _client(cast.coordinator).get("/analyses/").content.decode()
    # Only its own region to choose, no "every region".
    assert "Alle regio&#x27;s" not in page and "Flevoland" not in page
    assert f"regio={cast.region.code}" in page  # the CSV links carry the region applied


@pytest.mark.usefixtures("built")
def test_another_region_is_404_for_a_coordinator(cast: Cast, api_client_for: Any) -> None:
    other = cast.other_region.code
    api = api_client_for(cast.coordinator)
    for url in API:
        assert api.get(f"{url}?region={other}").status_code == 404, url
    client = _client(cast.coordinator)
    assert client.get(f"/analyses/?regio={other}").status_code == 404
    for url in EXPORTS:
        assert client.get(f"{url}?regio={other}").status_code == 404, url


@pytest.mark.usefixtures("built")
def test_a_coordinator_without_regions_reads_nothing(cast: Cast, api_client_for: Any) -> None:
    cast.coordination_point.regions.clear()
    assert api_client_for(cast.coordinator).get(API[0]).status_code == 404
    assert _client(cast.coordinator).get("/analyses/").status_code == 404


@pytest.mark.usefixtures("built")
def test_a_coordinator_of_every_region_reads_them_all(cast: Cast, api_client_for: Any) -> None:
    cast.coordination_point.regions.add(cast.other_region)
    api = api_client_for(cast.coordinator)
    body = api.get("/api/v1/reports/unmet-need/").json()
    assert body["filters"]["region"] == ""
    assert sum(row["referrals"] for row in body["profiles"]["rows"]) == 3
    other = api.get(f"/api/v1/reports/unmet-need/?region={cast.other_region.code}").json()
    assert sum(row["referrals"] for row in other["profiles"]["rows"]) == 1


@pytest.mark.usefixtures("built")
def test_the_analyst_keeps_every_region(cast: Cast, api_client_for: Any) -> None:
    api = api_client_for(cast.analyst)
    assert api.get("/api/v1/reports/kpis/").json()["filters"]["region"] == ""
    other = api.get(f"/api/v1/reports/unmet-need/?region={cast.other_region.code}").json()
    assert other["filters"]["region"] == cast.other_region.code
    assert [row["referrals"] for row in other["profiles"]["rows"]] == ["<5"]
    page = _client(cast.analyst).get("/analyses/").content.decode()
    assert "Alle regio&#x27;s" in page and "Flevoland" in page


@pytest.mark.parametrize(
    ("field", "page_name", "value"),
    [
        ("region", "regio", "JR-XXX"),
        ("care_form", "zorgvorm", "helicopter"),
        ("period", "periode", "gisteren"),
        ("period", "periode", "2026-13"),
    ],
)
@pytest.mark.parametrize("role", ["coordinator", "analyst"])
@pytest.mark.usefixtures("built")
def test_an_unknown_filter_value_is_400_naming_the_field(
    cast: Cast, api_client_for: Any, role: str, field: str, page_name: str, value: str
) -> None:
    user = getattr(cast, role)
    for url in API:
        response = api_client_for(user).get(f"{url}?{field}={value}")
        assert response.status_code == 400, url
        assert list(response.json()["errors"]) == [field]
        assert response.json()["errors"][field][0].startswith("Onbekende")
    client = _client(user)
    page = client.get(f"/analyses/?{page_name}={value}")
    assert page.status_code == 400
    html = page.content.decode()
    assert "utrecht-form-field-error-message" in html and "Onbekende" in html
    assert 'data-testid="kpis"' not in html  # no figures built
    for url in EXPORTS:
        assert client.get(f"{url}?{page_name}={value}").status_code == 400, url


def _tables(body: dict[str, Any]) -> dict[str, list[Any]]:
    """Every list of figures in a report answer."""
    out: dict[str, list[Any]] = {}
    for key, value in body.items():
        if isinstance(value, dict) and "rows" in value:
            out[key] = value["rows"]
        elif isinstance(value, dict) and "cells" in value:
            out[key] = value["cells"]
        elif isinstance(value, list):
            out[key] = value
    return out


@pytest.mark.usefixtures("built")
def test_a_filter_matching_nothing_empties_every_report(cast: Cast, api_client_for: Any) -> None:
    """Each accepted filter filters every table: none of them may ignore it."""
    empty_region = RegionFactory(code="JR-LEEG", name="Leeg")
    api = api_client_for(cast.analyst)
    for query in ("care_form=respite", f"region={empty_region.code}", "period=2001-01"):
        for url in API:
            tables = _tables(api.get(f"{url}?{query}").json())
            assert tables, url
            for name, rows in tables.items():
                assert rows == [], (query, url, name)
    # And the same filters give figures where there are some.
    for query in ("care_form=treatment_group", f"region={cast.region.code}"):
        for url in API:
            tables = _tables(api.get(f"{url}?{query}").json())
            assert any(tables.values()), (query, url)


@pytest.mark.usefixtures("built")
def test_occupancy_honours_the_region(cast: Cast, api_client_for: Any) -> None:
    api = api_client_for(cast.analyst)

    def care_forms(query: str) -> set[str]:
        body = api.get(f"/api/v1/reports/kpis/?{query}").json()
        return {row["care_form_code"] for row in body["occupancy"]}

    assert care_forms(f"region={cast.other_region.code}") == {"family_home"}
    assert care_forms(f"region={cast.region.code}") == {"treatment_group", "small_scale_home"}
    assert care_forms("") == {"treatment_group", "small_scale_home", "family_home"}


@pytest.mark.usefixtures("built")
def test_the_provider_table_honours_the_care_form(cast: Cast, api_client_for: Any) -> None:
    api = api_client_for(cast.coordinator)
    body = api.get("/api/v1/reports/refusals/?care_form=small_scale_home").json()
    rows = body["by_provider"]["rows"]
    assert [(r["provider"], r["offers"], r["accepted"], r["refused"]) for r in rows] == [
        ("Aanbieder B", 1, 0, 1)
    ]
    assert body["by_provider"]["totals"]["refused"] == body["by_reason"]["totals"]["refusals"]
    every = api.get("/api/v1/reports/refusals/").json()["by_provider"]["rows"]
    assert {(r["provider"], r["offers"]) for r in every} == {
        ("Aanbieder A", 1),
        ("Aanbieder B", 1),
    }


def test_a_coordinators_page_takes_a_fixed_number_of_queries(
    cast: Cast,
    make_referral: Callable[..., Referral],
    location_a: Location,
) -> None:
    client = _client(cast.coordinator)
    client.get("/analyses/")  # the session is saved once, after the login

    def count() -> int:
        reports_rebuild()
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/analyses/").status_code == 200
        return len(queries)

    make_referral()
    small = count()
    for _ in range(6):
        make_referral(care_forms=["family_home"], expertise=["mental_health"])
    assert count() == small
