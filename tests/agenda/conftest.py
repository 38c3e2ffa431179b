"""The agenda tests reuse the placement fixtures: a referral with planted identity, locations."""

from tests.placement.conftest import (  # noqa: F401 - fixtures
    location_a,
    location_b,
    make_referral,
    referral,
)
