"""Fixtures of the analyses tests: the placement tests' referral builder and locations."""

from tests.placement.conftest import location_a, location_b, make_referral  # noqa: F401
