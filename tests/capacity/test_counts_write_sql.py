"""The counts and their event in one statement (`capacity.services.COUNTS_WRITE_SQL`):
each change leaves the row and its history event exactly as the change says."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from capacity import services
from capacity.models import CapacityEvent, Location
from tests.conftest import Cast
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db

COUNTS = ("total_places", "free_places", "held_places", "occupied_places")
EVENT_FIELDS = (
    "by_id",
    "reason",
    *(f"{count.split('_')[0]}_{when}" for when in ("before", "after") for count in COUNTS),
)


def test_each_change_writes_the_row_and_its_event(cast: Cast) -> None:
    start = timezone.now() - timedelta(days=40)
    location = LocationFactory(
        provider=cast.provider_a_org,
        municipality=cast.municipality,
        regions=[cast.region],
        total_places=6,
        free_places=2,
        occupied_places=4,
        last_confirmed_at=start,
    )
    provider, coordinator = cast.provider_a.pk, cast.coordinator.pk
    services.location_hold_place(location=location, by=cast.coordinator)
    services.location_occupy_held(location=location, by=None)
    services.location_free_occupied(location=location, by=None)
    services.location_adjust_free_places(location=location, delta=-1, by=cast.provider_a)
    services.location_set_free_places(location=location, free_places=2, by=cast.provider_a)

    row = Location.objects.get(pk=location.pk)
    assert [getattr(row, c) for c in COUNTS] == [6, 2, 0, 4]
    assert row.last_confirmed_at > start  # the corrections confirmed it
    events = CapacityEvent.objects.filter(location=location).order_by("id")
    # (by, reason, total/free/held/occupied before, the same after)
    assert list(events.values_list(*EVENT_FIELDS)) == [
        (coordinator, "hold", 6, 2, 0, 4, 6, 1, 1, 4),
        (None, "placement_start", 6, 1, 1, 4, 6, 1, 0, 5),
        (None, "placement_end", 6, 1, 0, 5, 6, 2, 0, 4),
        (provider, "correction", 6, 2, 0, 4, 6, 1, 0, 4),  # occupied stays: no placement
        (provider, "correction", 6, 1, 0, 4, 6, 2, 0, 4),
    ]
    assert all(abs(e.at - timezone.now()) < timedelta(minutes=1) for e in events)
    # the caller's instance is in step with the row, and knows its new event is saved
    assert [getattr(location, c) for c in COUNTS] == [6, 2, 0, 4]


def test_a_hold_leaves_the_confirmation_time_alone(cast: Cast) -> None:
    start = timezone.now() - timedelta(days=40)
    location = LocationFactory(
        provider=cast.provider_a_org,
        municipality=cast.municipality,
        regions=[cast.region],
        last_confirmed_at=start,
    )
    services.location_hold_place(location=location, by=cast.coordinator)
    assert Location.objects.get(pk=location.pk).last_confirmed_at == start


def test_the_database_still_refuses_counts_that_do_not_add_up(cast: Cast) -> None:
    location = LocationFactory(
        provider=cast.provider_a_org, municipality=cast.municipality, regions=[cast.region]
    )
    event = CapacityEvent(
        location=location,
        by=None,
        reason=CapacityEvent.Reason.CORRECTION,
        total_before=6,
        free_before=2,
        held_before=0,
        occupied_before=4,
        total_after=6,
        free_after=-1,
        held_after=0,
        occupied_after=4,
    )
    location.free_places = -1
    with pytest.raises(IntegrityError), transaction.atomic():
        services._write_counts(locked=location, event=event, confirm=False)
    assert CapacityEvent.objects.filter(location=location).count() == 0
