"""The counts and their event in one statement (`capacity.services.COUNTS_WRITE_SQL`,
PostgreSQL) against the ORM writes it replaces: the same sequence of changes on two equal
locations, one through each, leaves the same rows and the same history."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from capacity import services
from capacity.models import CapacityEvent, Location
from tests.conftest import Cast
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db

COUNTS = ("total_places", "free_places", "held_places", "occupied_places")


def orm_write(*, locked: Location, event: CapacityEvent, confirm: bool) -> None:
    fields = [*COUNTS, *(["last_confirmed_at"] if confirm else [])]
    locked.save(update_fields=fields)
    event.save()


def run_changes(location: Location, provider: User, coordinator: User) -> None:
    services.location_set_free_places(location=location, free_places=4, by=provider)
    services.location_hold_place(location=location, by=coordinator)
    services.location_occupy_held(location=location, by=None)
    services.location_free_occupied(location=location, by=None)
    services.location_adjust_free_places(location=location, delta=-1, by=provider)
    services.location_set_free_places(location=location, free_places=2, by=provider)


EVENT_FIELDS = (
    "by_id",
    "reason",
    *(f"{count.split('_')[0]}_{when}" for when in ("before", "after") for count in COUNTS),
)


def history(location: Location) -> list[tuple[Any, ...]]:
    events = CapacityEvent.objects.filter(location=location).order_by("id")
    return list(events.values_list(*EVENT_FIELDS))


def test_the_statement_writes_what_the_orm_writes(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = timezone.now() - timedelta(days=40)

    def make() -> Location:
        return LocationFactory(
            provider=cast.provider_a_org,
            municipality=cast.municipality,
            regions=[cast.region],
            total_places=6,
            free_places=2,
            occupied_places=4,
            last_confirmed_at=start,
        )

    through_sql, through_orm = make(), make()
    run_changes(through_sql, cast.provider_a, cast.coordinator)
    monkeypatch.setattr(services, "_write_counts_postgresql", orm_write)
    run_changes(through_orm, cast.provider_a, cast.coordinator)

    sql_row = Location.objects.get(pk=through_sql.pk)
    orm_row = Location.objects.get(pk=through_orm.pk)
    assert [getattr(sql_row, c) for c in COUNTS] == [getattr(orm_row, c) for c in COUNTS]
    assert [getattr(sql_row, c) for c in COUNTS] == [6, 2, 0, 4]
    assert sql_row.last_confirmed_at > start  # the corrections confirmed it
    assert history(sql_row) == history(orm_row)
    events = CapacityEvent.objects.filter(location=through_sql).order_by("id")
    assert len(events) == 6
    assert all(abs(e.at - timezone.now()) < timedelta(minutes=1) for e in events)
    # the caller's instance is in step with the row, and knows its new event is saved
    assert [getattr(through_sql, c) for c in COUNTS] == [6, 2, 0, 4]


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
        services._write_counts_postgresql(locked=location, event=event, confirm=False)
    assert CapacityEvent.objects.filter(location=location).count() == 0
