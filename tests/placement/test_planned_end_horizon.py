"""The perspective plan's horizon (issue 22.5): a structured number of months on the request;
a placement's planned end defaults to its start plus the horizon (recorded as a forecast)
and may be changed but not cleared while the plan gives a horizon."""

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db.models import F
from django.test import Client as DjangoClient
from django.utils import timezone
from rest_framework.test import APIClient

from capacity.models import Location
from placement.models import Offer, Placement, VacancyForecast
from placement.services import add_months
from referrals.models import Referral
from tests.conftest import Cast
from tests.placement.test_placements import place

Client = Callable[..., APIClient]
TODAY = timezone.localdate


@pytest.fixture
def placed_with(
    api_client_for: Client, cast: Cast, make_referral: Callable[..., Referral], location_a: Location
) -> Callable[..., Placement]:
    """A placement at location A of a referral whose plan gives `horizon` months."""

    def make(horizon: int | None, start: date | None = None) -> Placement:
        Location.objects.filter(pk=location_a.pk).update(
            total_places=F("total_places") + 1, free_places=F("free_places") + 1
        )
        referral = make_referral()
        Referral.objects.filter(pk=referral.pk).update(perspective_horizon_months=horizon)
        coordinator = api_client_for(cast.coordinator)
        sent = coordinator.post(
            f"/api/v1/referrals/{referral.pk}/offers/", {"location": location_a.pk}, format="json"
        )
        assert sent.status_code == 201, sent.json()
        offer = Offer.objects.get(referral=referral)
        assert (
            api_client_for(cast.provider_a).post(f"/api/v1/offers/{offer.pk}/accept/").status_code
            == 200
        )
        response = place(coordinator, offer, start or TODAY())
        assert response.status_code == 201, response.json()  # type: ignore[attr-defined]
        return Placement.objects.get(referral=referral)

    return make


def patch_plans(client: APIClient, placement: Placement, day: date | None) -> object:
    return client.patch(
        f"/api/v1/placements/{placement.pk}/",
        {"planned_end": day.isoformat() if day else None},
        format="json",
    )


# --- the horizon on the request -----------------------------------------------------------


def test_add_months_keeps_the_day_or_takes_the_last_of_the_month() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)


@pytest.mark.parametrize("bad", [0, 37, -1, "zes", 2.5, True])
def test_the_api_refuses_a_horizon_out_of_range(
    api_client_for: Client, cast: Cast, make_referral: Callable[..., Referral], bad: object
) -> None:
    referral = make_referral(status=Referral.Status.DRAFT)
    response = api_client_for(cast.referrer).patch(
        f"/api/v1/referrals/{referral.pk}/", {"perspective_horizon_months": bad}, format="json"
    )
    assert response.status_code == 400
    assert "perspective_horizon_months" in response.json()["errors"]
    referral.refresh_from_db()
    assert referral.perspective_horizon_months is None


def test_the_api_sets_reads_and_clears_the_horizon(
    api_client_for: Client, cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(status=Referral.Status.DRAFT)
    client = api_client_for(cast.referrer)
    url = f"/api/v1/referrals/{referral.pk}/"
    assert client.patch(url, {"perspective_horizon_months": 9}, format="json").status_code == 200
    assert client.get(url).json()["perspective_horizon_months"] == 9
    assert client.patch(url, {"perspective_horizon_months": None}, format="json").status_code == 200
    referral.refresh_from_db()
    assert referral.perspective_horizon_months is None


def test_the_plans_step_of_the_form_takes_the_horizon(
    cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(status=Referral.Status.DRAFT)
    client = DjangoClient()
    client.force_login(cast.referrer)
    url = f"/referrals/{referral.pk}/edit/plans/"
    page = client.get(url).content.decode()
    assert "Termijn van het perspectiefplan (maanden)" in page
    plans = {
        "perspective_plan": referral.perspective_plan,
        "safety_plan": referral.safety_plan,
        "care_question": referral.care_question,
    }
    bad = client.post(url, {**plans, "perspective_horizon_months": "40"})
    assert bad.status_code == 400
    referral.refresh_from_db()
    assert referral.perspective_horizon_months is None
    good = client.post(url, {**plans, "perspective_horizon_months": "12"})
    assert good.status_code == 302
    referral.refresh_from_db()
    assert referral.perspective_horizon_months == 12


def test_the_database_refuses_a_horizon_out_of_range(
    make_referral: Callable[..., Referral],
) -> None:
    from django.db import IntegrityError, transaction

    referral = make_referral()
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(perspective_horizon_months=37)


# --- the planned end follows from it ------------------------------------------------------


def test_a_placement_of_a_plan_with_a_horizon_gets_its_planned_end(
    placed_with: Callable[..., Placement],
) -> None:
    placement = placed_with(6)
    assert placement.planned_end == add_months(placement.start_date, 6)
    forecast = VacancyForecast.objects.get(placement=placement, superseded_at__isnull=True)
    assert forecast.expected_on == placement.planned_end
    assert forecast.location_id == placement.location_id


def test_a_planned_start_ahead_counts_the_horizon_from_the_start(
    placed_with: Callable[..., Placement],
) -> None:
    start = TODAY() + timedelta(days=10)
    placement = placed_with(3, start=start)
    assert placement.status == Placement.Status.PLANNED
    assert placement.planned_end == add_months(start, 3)


def test_without_a_horizon_there_is_no_planned_end_nor_forecast(
    placed_with: Callable[..., Placement],
) -> None:
    placement = placed_with(None)
    assert placement.planned_end is None
    assert not VacancyForecast.objects.filter(placement=placement).exists()


def test_the_planned_end_cannot_be_cleared_while_the_plan_gives_a_horizon(
    api_client_for: Client, cast: Cast, placed_with: Callable[..., Placement]
) -> None:
    placement = placed_with(6)
    before = placement.planned_end
    response = patch_plans(api_client_for(cast.provider_a), placement, None)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "planned_end" in response.json()["errors"]  # type: ignore[attr-defined]
    placement.refresh_from_db()
    assert placement.planned_end == before
    assert VacancyForecast.objects.filter(placement=placement).count() == 1
    # changing it is fine: the old forecast is superseded, a new one recorded
    assert before is not None
    later = before + timedelta(days=30)
    assert patch_plans(api_client_for(cast.coordinator), placement, later).status_code == 200  # type: ignore[attr-defined]
    placement.refresh_from_db()
    assert placement.planned_end == later
    assert (
        VacancyForecast.objects.get(placement=placement, superseded_at__isnull=True).expected_on
        == later
    )


def test_the_placement_page_refuses_to_clear_the_planned_end(
    cast: Cast, placed_with: Callable[..., Placement]
) -> None:
    placement = placed_with(6)
    client = DjangoClient()
    client.force_login(cast.coordinator)
    response = client.post(
        f"/placement/plaatsingen/{placement.pk}/plannen/", {"plans-planned_end": ""}
    )
    assert response.status_code == 400
    assert "leegmaken niet" in response.content.decode()
    placement.refresh_from_db()
    assert placement.planned_end is not None


def test_without_a_horizon_the_planned_end_may_be_cleared(
    api_client_for: Client, cast: Cast, placed_with: Callable[..., Placement]
) -> None:
    placement = placed_with(None)
    provider = api_client_for(cast.provider_a)
    assert patch_plans(provider, placement, TODAY() + timedelta(days=20)).status_code == 200  # type: ignore[attr-defined]
    assert patch_plans(provider, placement, None).status_code == 200  # type: ignore[attr-defined]
    placement.refresh_from_db()
    assert placement.planned_end is None


@pytest.mark.parametrize(
    ("who", "status"),  # outside the roles or the scope the placement does not exist
    [("provider_b", 404), ("referrer", 404), ("analyst", 404), ("admin", 404)],
)
def test_only_the_coordinator_and_the_placing_provider_set_the_planned_end(
    api_client_for: Client, cast: Cast, placed_with: Callable[..., Placement], who: str, status: int
) -> None:
    placement = placed_with(6)
    before = placement.planned_end
    response = patch_plans(
        api_client_for(getattr(cast, who)), placement, TODAY() + timedelta(days=90)
    )
    assert response.status_code == status  # type: ignore[attr-defined]
    placement.refresh_from_db()
    assert placement.planned_end == before
    assert VacancyForecast.objects.filter(placement=placement).count() == 1
