"""Fixtures of the capacity tests: a location of provider A and one of provider B."""

import pytest

from capacity.models import Location
from tests.conftest import Cast
from tests.factories import LocationFactory


@pytest.fixture
def location_a(cast: Cast) -> Location:
    """Provider A's treatment group: 6 places, 2 free, 4 occupied."""
    return LocationFactory(
        provider=cast.provider_a_org,
        name="Groep A",
        municipality=cast.municipality,
        regions=[cast.region],
    )


@pytest.fixture
def location_b(cast: Cast) -> Location:
    return LocationFactory(
        provider=cast.provider_b_org,
        name="Groep B",
        municipality=cast.municipality,
        regions=[cast.region],
    )


def without_occupied(location: Location) -> Location:
    """Its occupied places were no placements (occupied places are the active placements):
    make them "niet beschikbaar", so the free places can rise up to the total."""
    Location.objects.filter(pk=location.pk).update(occupied_places=0)
    location.refresh_from_db()
    return location
