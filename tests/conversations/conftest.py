"""The conversation tests use the placement fixtures: a referral in matching, locations."""

from tests.placement.conftest import (  # noqa: F401
    location_a,
    location_b,
    make_referral,
    referral,
)
