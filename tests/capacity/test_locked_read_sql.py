"""The PATCH's locked read as fixed SQL (`capacity.services.LOCK_MANAGED_SQL`): the row as
stored, the names and region codes its answer shows, and only in the caller's scope (another
provider's location is never read, let alone locked)."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import User
from capacity import services
from capacity.models import Location
from config.errors import NotFound
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def test_the_sql_reads_the_row_as_stored(cast: Cast, location_a: Location) -> None:
    location_a.regions.add(cast.other_region)
    confirmed = timezone.now() - timedelta(days=3, microseconds=7)
    Location.objects.filter(pk=location_a.pk).update(
        expertise=["mental_health", "addiction"],
        contra_indications=["arson"],
        last_confirmed_at=confirmed,
        free_places=2,
        occupied_places=4,
        total_places=6,
    )
    with transaction.atomic():
        locked = services._lock_managed(location_id=location_a.pk, by=cast.provider_a)
    assert locked.pk == location_a.pk and locked.name == location_a.name
    assert (locked.total_places, locked.free_places, locked.held_places) == (6, 2, 0)
    assert locked.occupied_places == 4
    assert locked.expertise == ["mental_health", "addiction"]  # decoded, not the jsonb text
    assert locked.contra_indications == ["arson"]
    assert locked.last_confirmed_at == confirmed
    assert locked.provider.name == "Aanbieder A"
    assert locked.municipality.code == "GM0307"
    assert sorted(locked.region_codes) == ["JR-EEM", "JR-FLE"]  # type: ignore[attr-defined]
    # the provider's other fields are read when asked for, not made up
    assert locked.provider.kind == cast.provider_a_org.kind


def test_the_sql_locks_the_row(cast: Cast, location_a: Location) -> None:
    with transaction.atomic():
        services._lock_managed(location_id=location_a.pk, by=cast.provider_a)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT mode FROM pg_locks WHERE pid = pg_backend_pid()"
                " AND relation = 'capacity_location'::regclass"
            )
            assert ("RowShareLock",) in cursor.fetchall()  # what FOR UPDATE takes


@pytest.mark.parametrize("who", ["provider_b", "coordinator", "referrer", "analyst"])
def test_no_one_but_the_provider_reads_its_row(cast: Cast, location_a: Location, who: str) -> None:
    user: User = getattr(cast, who)
    with transaction.atomic(), pytest.raises(NotFound):
        services._lock_managed(location_id=location_a.pk, by=user)


def test_the_functional_admin_reads_any_providers_row(cast: Cast, location_a: Location) -> None:
    with transaction.atomic():
        locked = services._lock_managed(location_id=location_a.pk, by=cast.admin)
    assert locked.pk == location_a.pk and locked.provider.name == "Aanbieder A"


def test_a_missing_location_is_not_found(cast: Cast) -> None:
    with transaction.atomic(), pytest.raises(NotFound):
        services._lock_managed(location_id=987654, by=cast.provider_a)
