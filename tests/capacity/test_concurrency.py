"""Concurrent updates on real PostgreSQL: with the row lock none is lost; without, some are."""

import itertools
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from accounts.models import User
from capacity import services
from capacity.errors import NoFreePlace
from capacity.models import CapacityEvent, Location
from capacity.services import (
    location_adjust_free_places,
    location_hold_place,
    location_set_free_places_by_id,
)
from tests.conftest import Cast
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_in_threads(jobs: list[Callable[[], None]]) -> list[BaseException]:
    """Start every job at the same moment (barrier); answer the exceptions raised."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(job: Callable[[], None]) -> None:
        try:
            barrier.wait(timeout=10)
            job()
        except BaseException as exc:
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def adjust(location_id: int, delta: int, user: User) -> Callable[[], None]:
    def job() -> None:
        location = Location.objects.get(pk=location_id)
        location_adjust_free_places(location=location, delta=delta, by=user)

    return job


def test_many_plus_and_minus_end_with_the_right_count(cast: Cast) -> None:
    location = LocationFactory(
        provider=cast.provider_a_org, total_places=20, free_places=10, occupied_places=0
    )
    jobs = [adjust(location.pk, +1, cast.provider_a) for _ in range(10)]
    jobs += [adjust(location.pk, -1, cast.provider_a) for _ in range(12)]
    errors = run_in_threads(jobs)
    assert errors == []
    location.refresh_from_db()
    assert (location.free_places, location.occupied_places) == (8, 0)
    assert CapacityEvent.objects.filter(location=location).count() == 22
    # The history chains: every event starts where the one before ended.
    events = list(CapacityEvent.objects.filter(location=location).order_by("id"))
    for before, after in itertools.pairwise(events):
        assert after.free_before == before.free_after


def test_the_last_place_is_held_only_once(cast: Cast) -> None:
    location = LocationFactory(
        provider=cast.provider_a_org, total_places=6, free_places=3, occupied_places=3
    )

    def hold() -> None:
        location_hold_place(location=Location.objects.get(pk=location.pk), by=cast.coordinator)

    errors = run_in_threads([hold for _ in range(10)])
    assert len(errors) == 7
    assert all(isinstance(error, NoFreePlace) for error in errors)
    location.refresh_from_db()
    assert (location.free_places, location.held_places) == (0, 3)


def test_without_the_lock_updates_are_lost(cast: Cast, monkeypatch: Any) -> None:
    """The same service with the row lock taken out: both threads read 2 free places
    before either writes (a barrier makes the race certain), so one +1 is lost."""
    location = LocationFactory(
        provider=cast.provider_a_org, total_places=6, free_places=2, occupied_places=0
    )
    workers = 2
    read_barrier = threading.Barrier(workers)

    def read_without_lock(loc: Location) -> Location:
        fresh = Location.objects.get(pk=loc.pk)  # no select_for_update
        read_barrier.wait(timeout=10)
        return fresh

    monkeypatch.setattr(services, "_lock", read_without_lock)
    errors = run_in_threads([adjust(location.pk, +1, cast.provider_a) for _ in range(workers)])
    assert errors == []
    location.refresh_from_db()
    assert CapacityEvent.objects.filter(location=location).count() == 2
    # Two departures recorded, but only one reached the row: a lost update.
    assert location.free_places == 3, "expected the unlocked version to lose an update"


def test_with_the_lock_the_same_race_loses_nothing(cast: Cast) -> None:
    location = LocationFactory(
        provider=cast.provider_a_org, total_places=6, free_places=2, occupied_places=0
    )
    errors = run_in_threads([adjust(location.pk, +1, cast.provider_a) for _ in range(2)])
    assert errors == []
    location.refresh_from_db()
    assert location.free_places == 4


def set_by_id(location_id: int, free: int, user: User) -> Callable[[], None]:
    def job() -> None:
        location_set_free_places_by_id(location_id=location_id, free_places=free, by=user)

    return job


def history_chains(location: Location) -> bool:
    """Every event starts where the one before ended, and the last one is the row."""
    events = list(CapacityEvent.objects.filter(location=location).order_by("id"))
    location.refresh_from_db()
    return all(
        after.free_before == before.free_after for before, after in itertools.pairwise(events)
    ) and (events[-1].free_after, events[-1].occupied_after) == (
        location.free_places,
        location.occupied_places,
    )


def test_concurrent_api_corrections_keep_the_history_chained(cast: Cast) -> None:
    """PATCH /locations/{id}/ reads and locks in one query; racing corrections queue."""
    location = LocationFactory(
        provider=cast.provider_a_org, total_places=12, free_places=0, occupied_places=0
    )
    errors = run_in_threads([set_by_id(location.pk, n, cast.provider_a) for n in range(1, 9)])
    assert errors == []
    assert CapacityEvent.objects.filter(location=location).count() == 8
    assert history_chains(location)
    assert location.occupied_places == 0  # occupied places follow placements only


def test_without_the_lock_api_corrections_break_the_history(cast: Cast, monkeypatch: Any) -> None:
    """The same race with the one-query lock taken out: both read 0 free places, so two
    events start from 0 and the history no longer adds up."""
    location = LocationFactory(
        provider=cast.provider_a_org, total_places=12, free_places=0, occupied_places=0
    )
    read_barrier = threading.Barrier(2)

    def read_without_lock(*, location_id: int, by: User) -> Location:
        fresh = Location.objects.select_related("provider", "municipality").get(pk=location_id)
        read_barrier.wait(timeout=10)
        return fresh

    monkeypatch.setattr(services, "_lock_managed", read_without_lock)
    errors = run_in_threads([set_by_id(location.pk, n, cast.provider_a) for n in (3, 5)])
    assert errors == []
    assert not history_chains(location), "expected the unlocked version to break the chain"


def test_concurrent_patches_never_free_an_occupied_place(cast: Cast) -> None:
    """Issue 18.3 under load: 4 occupied and 1 held of 6, so at most 1 free. Racing PATCHes
    asking 1 and 2, and a second hold, queue on the lock: the one above the maximum is
    refused, and free + held + occupied never exceeds the total."""
    location = LocationFactory(
        provider=cast.provider_a_org,
        total_places=6,
        free_places=1,
        held_places=1,
        occupied_places=4,
    )
    errors = run_in_threads(
        [
            set_by_id(location.pk, 1, cast.provider_a),
            set_by_id(location.pk, 2, cast.provider_a),
            set_by_id(location.pk, 2, cast.provider_a),
        ]
    )
    assert len(errors) == 2
    assert all("free_places" in getattr(error, "errors", {}) for error in errors)
    location.refresh_from_db()
    assert (location.free_places, location.held_places, location.occupied_places) == (1, 1, 4)
    assert not CapacityEvent.objects.filter(location=location).exists()  # 1 only confirms


def test_concurrent_plus_stops_at_the_places_not_held_or_occupied(cast: Cast) -> None:
    """Five "+" at once with room for two more free places: two pass, three are refused."""
    location = LocationFactory(
        provider=cast.provider_a_org,
        total_places=6,
        free_places=0,
        held_places=1,
        occupied_places=3,
    )
    errors = run_in_threads([adjust(location.pk, +1, cast.provider_a) for _ in range(5)])
    assert len(errors) == 3
    location.refresh_from_db()
    assert (location.free_places, location.held_places, location.occupied_places) == (2, 1, 3)
    assert history_chains(location)
