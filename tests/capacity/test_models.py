"""The database itself refuses inconsistent counts, and the capacity history is append-only."""

import pytest
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F

from capacity.models import CapacityEvent, Location
from capacity.services import location_hold_place
from config.codes import CareForm
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "change",
    [
        {"free_places": -1, "occupied_places": F("occupied_places") + 3},  # below zero
        {"held_places": -1, "free_places": F("free_places") + 1},
        {"occupied_places": -1, "free_places": F("free_places") + 5},
        {"free_places": F("free_places") + 1},  # more than the total
        {"total_places": F("total_places") - 1},
        {"held_places": F("held_places") + 1},
        {"age_min": 18, "age_max": 12},
        {"secured": True},  # secured without secured care form
        {"care_form": CareForm.SECURED},  # secured care form without secured
    ],
)
def test_the_database_refuses_a_broken_location(
    location_a: Location, change: dict[str, object]
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Location.objects.filter(pk=location_a.pk).update(**change)
    location_a.refresh_from_db()
    assert (location_a.free_places, location_a.occupied_places) == (2, 4)


def test_a_consistent_raw_update_is_accepted(location_a: Location) -> None:
    Location.objects.filter(pk=location_a.pk).update(
        free_places=F("free_places") - 1, occupied_places=F("occupied_places") + 1
    )
    location_a.refresh_from_db()
    assert (location_a.free_places, location_a.occupied_places) == (1, 5)


def test_places_neither_free_held_nor_occupied_are_allowed(location_a: Location) -> None:
    """Fewer free places than the room left: the rest is "niet beschikbaar", not occupied."""
    Location.objects.filter(pk=location_a.pk).update(free_places=0, total_places=8)
    location_a.refresh_from_db()
    assert (location_a.unavailable_places, location_a.max_free_places) == (4, 4)


def test_capacity_events_are_append_only(cast: Cast, location_a: Location) -> None:
    location_hold_place(location=location_a, by=cast.provider_a)
    event = CapacityEvent.objects.get()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        CapacityEvent.objects.update(free_after=9)
    with pytest.raises(PermissionError):
        CapacityEvent.objects.all().delete()


def test_postgresql_refuses_to_change_history_even_through_raw_sql(
    cast: Cast, location_a: Location
) -> None:
    from django.db import connection

    location_hold_place(location=location_a, by=cast.provider_a)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE capacity_capacityevent SET free_after = 9")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM capacity_capacityevent")
    assert CapacityEvent.objects.count() == 1
