"""More free places are announced by one background job per location at a time: a provider's
system pushing every second does not start the waiting-list watcher every second."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from accounts.models import JobRun
from capacity import services
from capacity.models import Location
from capacity.services import (
    ANNOUNCE_DELAY_SECONDS,
    location_adjust_free_places,
    location_set_free_places,
)
from capacity.signals import free_places_increased
from capacity.tasks import announce_free_places
from tests.capacity.conftest import without_occupied
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def location_a(location_a: Location) -> Location:
    return without_occupied(location_a)


@pytest.fixture
def location_b(location_b: Location) -> Location:
    return without_occupied(location_b)


@pytest.fixture
def announced(location_a: Location, location_b: Location) -> Iterator[list[int]]:
    """Location ids sent through free_places_increased; no pending marks before or after."""
    seen: list[int] = []

    def receiver(sender: object, location_id: int, **kwargs: object) -> None:
        seen.append(location_id)

    keys = [services._announcement_key(loc.pk) for loc in (location_a, location_b)]
    cache.delete_many(keys)
    free_places_increased.connect(receiver, dispatch_uid="test-announce")
    yield seen
    free_places_increased.disconnect(dispatch_uid="test-announce")
    cache.delete_many(keys)


@pytest.fixture
def scheduled(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[int], int]]:
    """The announcement jobs put on the queue (args, countdown), not run."""
    calls: list[tuple[list[int], int]] = []

    def apply_async(args: list[int], countdown: int, **kwargs: Any) -> None:
        calls.append((args, countdown))

    monkeypatch.setattr(announce_free_places, "apply_async", apply_async)
    return calls


def test_rises_share_one_pending_job_per_location(
    cast: Cast,
    location_a: Location,
    location_b: Location,
    announced: list[int],
    scheduled: list[tuple[list[int], int]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        location_set_free_places(location=location_a, free_places=3, by=cast.provider_a)
    assert scheduled == [([location_a.pk], ANNOUNCE_DELAY_SECONDS)]  # after the commit
    for free in (2, 3, 2, 3):  # the job is pending: it reads the figures when it runs
        with django_capture_on_commit_callbacks(execute=True):
            location_set_free_places(location=location_a, free_places=free, by=cast.provider_a)
    with django_capture_on_commit_callbacks(execute=True):
        location_adjust_free_places(location=location_b, delta=1, by=cast.provider_b)
    assert scheduled == [
        ([location_a.pk], ANNOUNCE_DELAY_SECONDS),
        ([location_b.pk], ANNOUNCE_DELAY_SECONDS),
    ]
    assert announced == []  # nothing in the request

    # The job runs: the listeners hear of it once; a rise after that schedules a new job.
    announce_free_places.run(location_a.pk)
    assert announced == [location_a.pk]
    assert JobRun.objects.get(name="capacity.announce_free_places").outcome == "ok"
    with django_capture_on_commit_callbacks(execute=True):
        location_set_free_places(location=location_a, free_places=2, by=cast.provider_a)
    assert len(scheduled) == 2  # fewer free places are not announced
    with django_capture_on_commit_callbacks(execute=True):
        location_set_free_places(location=location_a, free_places=3, by=cast.provider_a)
    assert scheduled[-1] == ([location_a.pk], ANNOUNCE_DELAY_SECONDS)
    assert len(scheduled) == 3


def test_nothing_is_scheduled_before_the_commit(
    cast: Cast,
    location_a: Location,
    announced: list[int],
    scheduled: list[tuple[list[int], int]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        location_set_free_places(location=location_a, free_places=3, by=cast.provider_a)
    assert scheduled == []
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after it
        callbacks[0]()
    assert scheduled == [([location_a.pk], ANNOUNCE_DELAY_SECONDS)]


def test_broker_down_keeps_the_announcement_in_the_outbox(
    cast: Cast,
    location_a: Location,
    announced: list[int],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Broker down: nothing is announced in the request and nothing is lost; the outbox
    keeps one job (the later rises share it) and the sweep sends it when the broker is back."""
    from outbox.models import OutboxTask
    from outbox.services import dispatch_pending

    monkeypatch.setattr("outbox.services._eager", lambda: False)  # a real broker

    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr(announce_free_places, "apply_async", broker_down)
    for free in (3, 2, 3):
        with django_capture_on_commit_callbacks(execute=True):
            location_set_free_places(location=location_a, free_places=free, by=cast.provider_a)
    assert announced == []
    (row,) = OutboxTask.objects.filter(name=announce_free_places.name)
    assert row.args == [location_a.pk] and row.dispatched_at is None and row.attempts == 1
    sent: list[list[int]] = []
    monkeypatch.setattr(
        announce_free_places, "apply_async", lambda args, kwargs, countdown: sent.append(args)
    )
    assert dispatch_pending() == 1
    assert sent == [[location_a.pk]]
    row.refresh_from_db()
    assert row.dispatched_at is not None


def test_eager_jobs_announce_at_once(
    cast: Cast,
    location_a: Location,
    announced: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Without a broker (tests, the local demo) the job runs in the commit hook."""
    for free in (3, 2, 3):
        with django_capture_on_commit_callbacks(execute=True):
            location_set_free_places(location=location_a, free_places=free, by=cast.provider_a)
    assert announced == [location_a.pk, location_a.pk]


def test_a_bulk_load_announces_once_per_location(
    cast: Cast,
    location_a: Location,
    location_b: Location,
    announced: list[int],
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Many rises in one transaction inside `free_places_announced_once` (the demo history):
    one announcement per location after the commit, none before it."""
    capture = django_capture_on_commit_callbacks(execute=True)
    with capture, services.free_places_announced_once():
        for free in (3, 2, 3, 2, 3):
            location_set_free_places(location=location_a, free_places=free, by=cast.provider_a)
        location_adjust_free_places(location=location_b, delta=1, by=cast.provider_b)
        assert announced == []
    assert sorted(announced) == sorted([location_a.pk, location_b.pk])
