"""Two providers or two clicks can never take the same last place (real PostgreSQL, threads)."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from capacity import services as capacity_services
from capacity.models import Location
from placement.models import Offer
from referrals.models import Referral
from tests.capacity.test_concurrency import run_in_threads
from tests.conftest import Cast
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def offers_for_last_place(
    cast: Cast, make_referral: Callable[..., Referral], count: int
) -> tuple[Location, list[Offer]]:
    location = LocationFactory(
        provider=cast.provider_a_org,
        municipality=cast.municipality,
        regions=[cast.region],
        total_places=4,
        free_places=1,
        occupied_places=3,
    )
    offers = []
    for _ in range(count):
        referral = make_referral(status=Referral.Status.OFFERED)
        offers.append(
            Offer.objects.create(
                referral=referral,
                location=location,
                provider=cast.provider_a_org,
                sent_by=cast.coordinator,
                deadline="2099-01-01T00:00:00Z",
            )
        )
    return location, offers


def accept_job(offer_id: int, cast: Cast, statuses: list[int]) -> Callable[[], None]:
    def job() -> None:
        client = APIClient()
        client.force_authenticate(cast.provider_a)
        statuses.append(client.post(f"/api/v1/offers/{offer_id}/accept/").status_code)

    return job


def test_many_accepts_for_the_last_place_exactly_one_wins(
    cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    location, offers = offers_for_last_place(cast, make_referral, 6)
    statuses: list[int] = []
    errors = run_in_threads([accept_job(offer.pk, cast, statuses) for offer in offers])
    assert errors == []
    assert sorted(statuses) == [200] + [409] * 5
    location.refresh_from_db()
    assert (location.free_places, location.held_places, location.occupied_places) == (0, 1, 3)
    assert Offer.objects.filter(status=Offer.Status.ACCEPTED).count() == 1
    assert Offer.objects.filter(status=Offer.Status.OPEN).count() == 5
    assert Referral.objects.filter(status=Referral.Status.ACCEPTED).count() == 1


def test_two_clicks_on_the_same_offer_accept_once(
    cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    location, offers = offers_for_last_place(cast, make_referral, 1)
    location.free_places, location.occupied_places = 2, 2
    location.save()
    statuses: list[int] = []
    run_in_threads([accept_job(offers[0].pk, cast, statuses) for _ in range(2)])
    assert sorted(statuses) == [200, 409]
    location.refresh_from_db()
    assert (location.free_places, location.held_places) == (1, 1)


def test_without_the_row_lock_two_providers_take_the_last_place(
    cast: Cast, make_referral: Callable[..., Referral], monkeypatch: Any
) -> None:
    """The same race with the capacity row lock taken out: both read 'one free place'
    before either writes, and the place is given away twice. This is what the lock stops."""
    location, offers = offers_for_last_place(cast, make_referral, 2)
    both_read = threading.Barrier(2)

    def unlocked_read(target: Location) -> Location:
        row = Location.objects.get(pk=target.pk)
        both_read.wait(timeout=10)
        return row

    monkeypatch.setattr(capacity_services, "_lock", unlocked_read)
    statuses: list[int] = []
    run_in_threads([accept_job(offer.pk, cast, statuses) for offer in offers])
    connection.close()
    assert statuses == [200, 200]  # the broken outcome, proving the lock is what prevents it
    assert Offer.objects.filter(status=Offer.Status.ACCEPTED).count() == 2
    location.refresh_from_db()
    assert location.held_places == 1  # one place held for two accepted offers: a lost update


def test_two_coordinators_sending_at_once_open_one_offer(
    cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral()
    a = LocationFactory(
        provider=cast.provider_a_org, municipality=cast.municipality, regions=[cast.region]
    )
    statuses: list[int] = []

    def send() -> None:
        client = APIClient()
        client.force_authenticate(cast.coordinator)
        statuses.append(
            client.post(
                f"/api/v1/referrals/{referral.pk}/offers/", {"location": a.pk}, format="json"
            ).status_code
        )

    run_in_threads([send, send, send])
    assert sorted(statuses) == [201, 409, 409]
    assert Offer.objects.filter(referral=referral, status=Offer.Status.OPEN).count() == 1
