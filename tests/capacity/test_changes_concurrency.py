"""Issue 22 on real PostgreSQL with threads: announced changes, closures, places without
staff and accepts (holds) at the same moment leave the counts consistent (DESIGN rule 4)."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from capacity.errors import NoFreePlace
from capacity.models import CapacityChange, CapacityEvent, Location
from capacity.services import (
    capacity_change_announce,
    capacity_changes_apply_due,
    location_hold_place,
    location_set_unstaffed,
)
from config.errors import ValidationFailed
from tests.capacity.test_concurrency import run_in_threads
from tests.conftest import Cast
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def hold(location_id: int) -> Callable[[], None]:
    def job() -> None:
        location_hold_place(location=Location.objects.get(pk=location_id), by=None)

    return job


def assert_consistent(location: Location) -> None:
    """The row is within its rules and equals the end of its history."""
    location.refresh_from_db()
    in_use = location.free_places + location.held_places + location.occupied_places
    assert location.total_places >= in_use
    assert 0 <= location.unstaffed_places <= location.free_places
    last = CapacityEvent.objects.filter(location=location).order_by("-at", "-id").first()
    assert last is not None
    assert (
        last.total_after,
        last.free_after,
        last.held_after,
        last.occupied_after,
        last.unstaffed_after,
    ) == (
        location.total_places,
        location.free_places,
        location.held_places,
        location.occupied_places,
        location.unstaffed_places,
    )


@pytest.mark.parametrize("kind", ["resize", "closure"])
def test_a_change_applied_while_offers_are_accepted(cast: Cast, kind: str) -> None:
    location = LocationFactory(
        provider=cast.provider_a_org,
        regions=[cast.region],
        total_places=10,
        free_places=6,
        occupied_places=4,
    )
    today = timezone.localdate()
    change = capacity_change_announce(
        location=location,
        by=cast.provider_a,
        kind=kind,
        new_total=5 if kind == "resize" else None,
        effective_on=today + timedelta(days=1),
        reason="staffing",
    )
    jobs = [hold(location.pk) for _ in range(6)]

    def apply() -> None:
        capacity_changes_apply_due(today=today + timedelta(days=1))

    jobs.append(apply)
    errors = run_in_threads(jobs)
    assert all(isinstance(e, NoFreePlace) for e in errors), errors
    assert_consistent(location)
    held = 6 - len(errors)
    target = 5 if kind == "resize" else 0
    # The change took what it could at its moment; later holds took only places still free.
    assert target <= location.total_places <= 10
    assert location.total_places <= max(target, location.occupied_places + held)
    change.refresh_from_db()
    assert change.applied_at is not None or change.partial_since is not None
    assert location.held_places == held
    # Each hold and the change are one event each: none lost.
    assert CapacityEvent.objects.filter(location=location, reason="hold").count() == held


def test_concurrent_announcements_for_one_date_leave_one(cast: Cast) -> None:
    location = LocationFactory(provider=cast.provider_a_org, regions=[cast.region])
    day = timezone.localdate() + timedelta(days=9)

    def announce(total: int) -> Callable[[], None]:
        def job() -> None:
            capacity_change_announce(
                location=Location.objects.get(pk=location.pk),
                by=cast.provider_a if total % 2 else cast.coordinator,
                kind="resize",
                new_total=total,
                effective_on=day,
                reason="staffing",
            )

        return job

    errors = run_in_threads([announce(n) for n in range(1, 7)])
    assert len(errors) == 5
    assert all(isinstance(e, ValidationFailed) for e in errors), errors  # no IntegrityError
    assert CapacityChange.objects.filter(location=location).count() == 1


def test_unstaffed_places_and_holds_never_overlap(cast: Cast) -> None:
    for _round in range(3):
        location = LocationFactory(
            provider=cast.provider_a_org,
            regions=[cast.region],
            total_places=6,
            free_places=3,
            occupied_places=0,
        )

        def mark(pk: int = location.pk) -> None:
            location_set_unstaffed(
                location=Location.objects.get(pk=pk),
                unstaffed_places=2,
                reason="Vacatures",
                by=cast.provider_a,
            )

        errors = run_in_threads([mark, *(hold(location.pk) for _ in range(3))])
        assert all(isinstance(e, NoFreePlace | ValidationFailed) for e in errors), errors
        assert_consistent(location)
        # a held place was never one without staff: together at most the free places of before
        assert location.held_places + location.unstaffed_places <= 3
        if not any(isinstance(e, ValidationFailed) for e in errors):  # the mark went through
            assert location.unstaffed_places == 2  # and no hold took one of those places
            assert location.held_places <= 1
        assert location.free_places == 3 - location.held_places
