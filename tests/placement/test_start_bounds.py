"""A placement's start date is bounded (issue 24, point 12): at most
PLACEMENT_START_MAX_DAYS_AHEAD days ahead (9999-12-31 held the place for good), and not
before the offer nor long before its acceptance. Out of range: 400 naming start_date with
the allowed range, nothing changed."""

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import Settings as SettingsWrapper
from rest_framework.test import APIClient

from capacity.models import Location
from config import dates
from placement.models import Offer, Placement
from placement.services import placements_start_due
from referrals.models import Referral
from tests.conftest import Cast
from tests.placement.test_placements import counts, place

ApiClientFor = Callable[..., APIClient]


@pytest.fixture
def offer(
    api_client_for: ApiClientFor, cast: Cast, referral: Referral, location_a: Location
) -> Offer:
    """An offer to Groep A, sent and accepted today through the API."""
    coordinator = api_client_for(cast.coordinator)
    body = {"location": location_a.pk}
    url = f"/api/v1/referrals/{referral.pk}/offers/"
    assert coordinator.post(url, body, format="json").status_code == 201
    sent = Offer.objects.get()
    accept = api_client_for(cast.provider_a).post(f"/api/v1/offers/{sent.pk}/accept/")
    assert accept.status_code == 200
    sent.refresh_from_db()
    return sent


def today() -> date:
    return timezone.localdate()


def range_message(offer: Offer) -> str:
    first = today() - timedelta(days=1)
    last = today() + timedelta(days=90)
    return f"Kies een startdatum van {dates.day(first)} tot en met {dates.day(last)}."


@pytest.mark.parametrize(
    "start",
    [date(9999, 12, 31), today() + timedelta(days=91), today() - timedelta(days=2)],
    ids=["far-future", "one-day-too-far", "before-the-offer"],
)
def test_the_api_refuses_a_start_out_of_range(
    api_client_for: ApiClientFor,
    cast: Cast,
    offer: Offer,
    location_a: Location,
    start: date,
) -> None:
    before = counts(location_a)
    response = place(api_client_for(cast.coordinator), offer, start)
    assert response.status_code == 400  # type: ignore[attr-defined]
    errors = response.json()["errors"]  # type: ignore[attr-defined]
    assert "start_date" in str(errors)
    assert range_message(offer) in str(errors)
    assert Placement.objects.count() == 0
    assert counts(location_a) == before
    offer.referral.refresh_from_db()
    assert offer.referral.status != Referral.Status.PLACED


def test_the_api_accepts_both_bounds_and_the_planned_start_still_runs(
    api_client_for: ApiClientFor,
    cast: Cast,
    offer: Offer,
    location_a: Location,
) -> None:
    last = today() + timedelta(days=90)
    response = place(api_client_for(cast.coordinator), offer, last)
    assert response.status_code == 201, response.json()  # type: ignore[attr-defined]
    placement = Placement.objects.get()
    assert placement.status == Placement.Status.PLANNED
    assert placements_start_due(today=last) == 1
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ACTIVE


def test_the_earliest_start_is_accepted(
    api_client_for: ApiClientFor,
    cast: Cast,
    offer: Offer,
) -> None:
    response = place(api_client_for(cast.coordinator), offer, today() - timedelta(days=1))
    assert response.status_code == 201  # type: ignore[attr-defined]


def test_the_window_follows_the_settings(
    api_client_for: ApiClientFor,
    cast: Cast,
    offer: Offer,
    settings: SettingsWrapper,
) -> None:
    settings.PLACEMENT_START_MAX_DAYS_AHEAD = 10
    client = api_client_for(cast.coordinator)
    assert place(client, offer, today() + timedelta(days=11)).status_code == 400  # type: ignore[attr-defined]
    assert place(client, offer, today() + timedelta(days=10)).status_code == 201  # type: ignore[attr-defined]


def test_not_long_before_the_acceptance(
    api_client_for: ApiClientFor,
    cast: Cast,
    offer: Offer,
    settings: SettingsWrapper,
) -> None:
    # An offer sent long ago, offer today: at most 30 days back from the acceptance.
    Offer.objects.filter(pk=offer.pk).update(sent_at=timezone.now() - timedelta(days=60))
    offer.refresh_from_db()
    client = api_client_for(cast.coordinator)
    assert place(client, offer, today() - timedelta(days=31)).status_code == 400  # type: ignore[attr-defined]
    assert place(client, offer, today() - timedelta(days=30)).status_code == 201  # type: ignore[attr-defined]


def _page_client(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.coordinator)
    return client


@pytest.mark.parametrize(
    ("start", "status"),
    [
        ("9999-12-31", 400),
        ((today() + timedelta(days=91)).isoformat(), 400),
        ((today() - timedelta(days=2)).isoformat(), 400),
        ((today() + timedelta(days=90)).isoformat(), 302),
        ((today() - timedelta(days=1)).isoformat(), 302),
    ],
)
def test_the_page_bounds_the_start(
    cast: Cast,
    offer: Offer,
    start: str,
    status: int,
) -> None:
    response = _page_client(cast).post(
        f"/placement/voorstellen/{offer.pk}/plaatsen/",
        {"start_date": start, "transport_funding": "not_needed"},
    )
    assert response.status_code == status
    if status == 400:
        content = response.content.decode()
        assert range_message(offer) in content
        assert 'id="id_start_date_error"' in content or "start_date" in content
        assert Placement.objects.count() == 0
    else:
        assert Placement.objects.count() == 1


def test_a_planned_placement_far_ahead_can_still_be_cancelled(
    api_client_for: ApiClientFor,
    cast: Cast,
    offer: Offer,
    location_a: Location,
) -> None:
    client = api_client_for(cast.coordinator)
    assert place(client, offer, today() + timedelta(days=60)).status_code == 201  # type: ignore[attr-defined]
    placement = Placement.objects.get()
    held = counts(location_a)[1]
    response = client.post(
        f"/api/v1/placements/{placement.pk}/cancel/", {"reason": "Gaat niet door."}, format="json"
    )
    assert response.status_code == 200, response.json()
    placement.refresh_from_db()
    assert placement.status == Placement.Status.CANCELLED
    assert counts(location_a)[1] == held - 1
