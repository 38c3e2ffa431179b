"""Contracted capacity per provider × care form × year, the months against break-even and
the bed-days and cost (issue 22): who may keep them, bad input, fixed query counts."""

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from capacity.contract_selectors import contract_occupancy, cost_report
from capacity.models import CapacityEvent, ContractedCapacity, Location, LocationBand
from placement.models import Offer, Placement
from referrals.models import Referral
from tests.conftest import Cast
from tests.factories import LocationFactory, OrganisationFactory
from tests.placement.conftest import make_referral  # noqa: F401  (fixture)

ApiFor = Callable[..., APIClient]
TZ = ZoneInfo(settings.TIME_ZONE)
URL = "/api/v1/contracted-capacity/"


def _body(cast: Cast, **change: Any) -> dict[str, Any]:
    return {
        "provider": cast.provider_a_org.pk,
        "care_form": "treatment_group",
        "year": 2026,
        "places": 12,
        **change,
    }


def test_a_coordinator_records_and_changes_a_contract(cast: Cast, api_client_for: ApiFor) -> None:
    client = api_client_for(cast.coordinator)
    answer = client.post(URL, _body(cast), format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["places"] == 12 and answer.json()["provider_name"] == "Aanbieder A"
    assert client.post(URL, _body(cast, places=14), format="json").status_code == 201
    assert ContractedCapacity.objects.get().places == 14  # one row per provider × form × year
    listed = client.get(URL + "?year=2026").json()
    assert [row["places"] for row in listed["results"]] == [14]
    assert client.get(URL + "?year=2025").json()["results"] == []
    assert api_client_for(cast.admin).get(URL).json()["results"][0]["places"] == 14
    contract = ContractedCapacity.objects.get()
    assert client.delete(f"{URL}{contract.pk}/").status_code == 204
    assert not ContractedCapacity.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"places": -1}, "places"),
        ({"places": "twaalf"}, "places"),
        ({"care_form": "castle"}, "care_form"),
        ({"year": 99}, "year"),
        ({"provider": "x"}, "provider"),
    ],
)
def test_bad_contract_input_is_a_400_naming_the_field(
    cast: Cast, api_client_for: ApiFor, change: dict[str, Any], field: str
) -> None:
    answer = api_client_for(cast.coordinator).post(URL, _body(cast, **change), format="json")
    assert answer.status_code == 400
    assert field in answer.json()["errors"]
    assert not ContractedCapacity.objects.exists()


def test_contracts_are_kept_only_for_the_providers_of_the_region(
    cast: Cast, api_client_for: ApiFor
) -> None:
    elsewhere = OrganisationFactory(
        name="Aanbieder Elders", kind="provider", regions=[cast.other_region]
    )
    answer = api_client_for(cast.coordinator).post(
        URL, _body(cast, provider=elsewhere.pk), format="json"
    )
    assert answer.status_code == 400 and "provider" in answer.json()["errors"]
    for user in (cast.provider_a, cast.analyst, cast.referrer):
        assert api_client_for(user).post(URL, _body(cast), format="json").status_code == 404
        assert api_client_for(user).get(URL).status_code == 404
    row = ContractedCapacity.objects.create(
        provider=elsewhere, care_form="treatment_group", year=2026, places=3
    )
    assert api_client_for(cast.coordinator).get(URL).json()["results"] == []
    assert api_client_for(cast.coordinator).delete(f"{URL}{row.pk}/").status_code == 404
    assert ContractedCapacity.objects.filter(pk=row.pk).exists()


def test_the_contracts_page_saves_and_refuses_bad_input(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.coordinator)
    assert client.get("/capacity/contracten/").status_code == 200
    assert "Nog geen contracten vastgelegd." in client.get("/capacity/contracten/").content.decode()
    form = {"provider": cast.provider_a_org.pk, "care_form": "treatment_group", "year": 2026}
    bad = client.post("/capacity/contracten/", {**form, "places": "-3"})
    assert bad.status_code == 400
    assert "Vul een aantal plaatsen van 0 of meer in." in bad.content.decode()
    assert not ContractedCapacity.objects.exists()
    assert client.post("/capacity/contracten/", {**form, "places": "8"}).status_code == 302
    assert ContractedCapacity.objects.get().places == 8
    provider = Client()
    provider.force_login(cast.provider_a)
    assert provider.get("/capacity/contracten/").status_code == 404
    assert provider.get("/capacity/contract-en-bezetting/").status_code == 404


def _event(location: Location, at: datetime, *, total: int, occupied: int, free: int = 0) -> None:
    last = CapacityEvent.objects.filter(location=location).order_by("-at", "-id").first()
    CapacityEvent.objects.create(
        location=location,
        at=at,
        reason=CapacityEvent.Reason.CORRECTION,
        total_before=last.total_after if last else 0,
        free_before=last.free_after if last else 0,
        held_before=0,
        occupied_before=last.occupied_after if last else 0,
        total_after=total,
        free_after=free,
        held_after=0,
        occupied_after=occupied,
    )


def _history(location: Location) -> None:
    """2025: January full (100 %), February 80 %, from March on 90 % (exactly break-even)."""
    _event(location, datetime(2024, 12, 1, tzinfo=TZ), total=10, occupied=10)
    _event(location, datetime(2025, 2, 1, tzinfo=TZ), total=10, occupied=8, free=2)
    _event(location, datetime(2025, 3, 1, tzinfo=TZ), total=10, occupied=9, free=1)


def test_months_against_contract_and_break_even(cast: Cast) -> None:
    location = LocationFactory(
        provider=cast.provider_a_org, municipality=cast.municipality, regions=[cast.region]
    )
    _history(location)
    ContractedCapacity.objects.create(
        provider=cast.provider_a_org, care_form="treatment_group", year=2025, places=12
    )
    ContractedCapacity.objects.create(
        provider=cast.provider_a_org, care_form="family_home", year=2025, places=2
    )
    rows = contract_occupancy(providers=[cast.provider_a_org], year=2025)
    by_form = {row.care_form: row for row in rows}
    group = by_form["treatment_group"]
    assert group.contracted == 12
    assert [m.occupancy for m in group.months[:3]] == [
        Decimal("100.0"),
        Decimal("80.0"),
        Decimal("90.0"),
    ]
    assert [m.below_break_even for m in group.months] == [False, True] + [False] * 10
    assert group.months[1].available == Decimal("10.0") and group.months[1].occupied == Decimal(
        "8.0"
    )
    assert group.locations[0].months[1].below_break_even
    assert by_form["family_home"].contracted == 2 and by_form["family_home"].locations == []
    # a future year has no months yet
    future = contract_occupancy(providers=[cast.provider_a_org], year=timezone.localdate().year + 1)
    assert all(m.available is None for row in future for m in row.months)


def test_contract_page_marks_months_below_break_even_in_a_fixed_number_of_queries(
    cast: Cast, django_assert_max_num_queries: Any
) -> None:
    client = Client()
    client.force_login(cast.coordinator)
    location = LocationFactory(
        provider=cast.provider_a_org, municipality=cast.municipality, regions=[cast.region]
    )
    _history(location)
    page = client.get("/capacity/contract-en-bezetting/?jaar=2025")
    body = page.content.decode()
    assert page.status_code == 200
    assert "onder break-even" in body and "80,0 %" in body
    for index in range(6):  # more providers and locations: no more queries
        provider = OrganisationFactory(
            name=f"Aanbieder {index}", kind="provider", regions=[cast.region]
        )
        _history(
            LocationFactory(
                provider=provider, municipality=cast.municipality, regions=[cast.region]
            )
        )
    with django_assert_max_num_queries(14):
        assert client.get("/capacity/contract-en-bezetting/?jaar=2025").status_code == 200


def _placement(
    cast: Cast, referral: Referral, location: Location, start: date, end: date | None
) -> Placement:
    offer = Offer.objects.create(
        referral=referral,
        location=location,
        provider=location.provider,
        sent_by=cast.coordinator,
        status=Offer.Status.ACCEPTED,
        deadline=timezone.now(),
    )
    return Placement.objects.create(
        referral=referral,
        offer=offer,
        location=location,
        provider=location.provider,
        status=Placement.Status.ENDED if end else Placement.Status.ACTIVE,
        start_date=start,
        end_date=end,
        end_reason=Placement.EndReason.PLANNED_OUTFLOW if end else "",
        created_by=cast.coordinator,
    )


def test_bed_days_and_cost_per_municipality_region_and_care_form(
    cast: Cast,
    make_referral: Callable[..., Referral],  # noqa: F811
) -> None:
    priced = LocationFactory(
        provider=cast.provider_a_org, municipality=cast.municipality, regions=[cast.region]
    )
    unpriced = LocationFactory(
        provider=cast.provider_b_org,
        municipality=cast.municipality,
        regions=[cast.region],
        care_form="small_scale_home",
    )
    LocationBand.objects.create(location=priced, year=2026, band="M")  # € 665.16 in 2026
    # 20 Dec 2025 – 11 Jan 2026: 10 nights in 2026
    _placement(cast, make_referral(), priced, date(2025, 12, 20), date(2026, 1, 11))
    _placement(cast, make_referral(), unpriced, date(2026, 3, 1), date(2026, 3, 6))  # 5 nights
    report = cost_report(regions=[cast.region], year=2026, today=date(2026, 12, 1))
    assert [(r.label, r.bed_days, r.cost, r.bed_days_unpriced) for r in report.by_region] == [
        ("Eemland", 15, Decimal("6651.60"), 5)
    ]
    assert [(r.label, r.bed_days) for r in report.by_municipality] == [("Amersfoort", 15)]
    forms = {r.label: (r.bed_days, r.cost) for r in report.by_care_form}
    assert forms == {
        "behandelgroep": (10, Decimal("6651.60")),
        "kleinschalige woonvoorziening": (5, Decimal("0.00")),
    }
    assert cost_report(regions=[cast.other_region], year=2026).by_region == []


def test_a_row_without_any_tariff_shows_no_cost_of_zero() -> None:
    from django.template.loader import render_to_string

    from capacity.contract_selectors import CostRow

    rows = [
        CostRow(label="Rij-een", bed_days=5, cost=Decimal("0.00"), bed_days_unpriced=5),
        CostRow(label="Rij-twee", bed_days=10, cost=Decimal("6651.60"), bed_days_unpriced=0),
    ]
    html = render_to_string(
        "capacity/partials/cost_table.html", {"rows": rows, "caption": "c", "testid": "t"}
    )
    unpriced, priced = html.split("Rij-een</th>")[1].split("Rij-twee</th>")
    assert "€" not in unpriced and "geen tarief bekend" in unpriced
    assert "€ 6.651,60" in priced
