"""Fixtures of the placement tests: a referral in matching with planted identity, locations."""

import itertools
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from capacity.models import Location
from referrals.models import ExplanatoryAnalysis, Referral, YouthIdentity
from tests.conftest import Cast
from tests.factories import LocationFactory

# Unique values planted in the identity; no provider-facing answer may ever contain them.
CANARY = {
    "given_name": "Zwaantje",
    "family_name": "Quirijnsdochter",
    "bsn": "111222333",
    "birth_date": date(2012, 3, 14),
    "postcode": "3811 QX",
    "guardian": "Gijsbertha Pluimveehouder",
}
CANARY_STRINGS = [
    "Zwaantje",
    "Quirijnsdochter",
    "111222333",
    "2012-03-14",
    "14-03-2012",
    "3811 QX",
    "3811QX",
    "Gijsbertha",
    "Pluimveehouder",
]

_codes = itertools.count(1)


@pytest.fixture
def make_referral(cast: Cast) -> Callable[..., Referral]:
    """A referral past submission, built directly (the referral services are tested elsewhere)."""

    def make(
        *,
        status: str = Referral.Status.MATCHING,
        care_forms: list[str] | None = None,
        expertise: list[str] | None = None,
        risk_flags: list[str] | None = None,
        birth_date: date = CANARY["birth_date"],
        gender: str = "f",
        secured: bool = False,
        intensity: str = "",
        attending: bool = True,
        municipality: Any = None,
        referrer: Any = None,
        requested_start: date | None = None,
    ) -> Referral:
        youth = YouthIdentity.objects.create(
            given_name=CANARY["given_name"],
            family_name=CANARY["family_name"],
            bsn=CANARY["bsn"] if status != Referral.Status.DRAFT else "",
            birth_date=birth_date,
            gender=gender,
            postcode=CANARY["postcode"],
            municipality=municipality or cast.municipality,
            guardians=[{"name": CANARY["guardian"], "relation": "moeder"}],
        )
        number = next(_codes)
        referrer = referrer or cast.referrer
        referral = Referral.objects.create(
            code=f"ROP-2026-{90000 + number:05d}",
            youth=youth,
            region=youth.municipality.region if youth.municipality else None,
            referrer=referrer,
            organisation=referrer.organisation,
            legal_status="voluntary",
            current_situation="Woont thuis; escalaties nemen toe.",
            school_name="Het Lyceum",
            school_level="vmbo",
            school_attending=attending,
            requested_start=requested_start or timezone.localdate() + timedelta(days=14),
            perspective_plan="Terug naar huis binnen een jaar.",
            safety_plan="Afspraken bij escalatie.",
            care_question="Behandeling met verblijf.",
            youth_perspective="Wil dicht bij school blijven.",
            parents_perspective="Willen betrokken blijven.",
            status=status,
            submitted_at=timezone.now(),
        )
        analysis = ExplanatoryAnalysis.objects.create(
            referral=referral,
            problems="Ernstige gedragsproblemen thuis.",
            explaining_factors="Trauma en hechting.",
            protective_factors="Betrokken mentor.",
            needs="Structuur en behandeling.",
            needed_care_forms=care_forms or ["treatment_group", "small_scale_home"],
            needed_expertise=expertise or ["youth_parenting"],
            risk_flags=risk_flags or [],
            intensity=intensity,
            secured_required=secured,
            author_name="A. Gedragswetenschapper",
            author_role="gedragswetenschapper",
            completed_on=timezone.localdate() - timedelta(days=10),
        )
        referral.current_analysis = analysis
        referral.save(update_fields=["current_analysis"])
        return referral

    return make


@pytest.fixture
def referral(make_referral: Callable[..., Referral]) -> Referral:
    return make_referral()


@pytest.fixture
def location_a(cast: Cast) -> Location:
    """Provider A's treatment group in Amersfoort: 6 places, 2 free: the best fit."""
    return LocationFactory(
        provider=cast.provider_a_org,
        name="Groep A",
        municipality=cast.municipality,
        regions=[cast.region],
        care_form="treatment_group",
        age_min=10,
        age_max=18,
    )


@pytest.fixture
def location_b(cast: Cast) -> Location:
    """Provider B's small-scale home: second choice of care form."""
    return LocationFactory(
        provider=cast.provider_b_org,
        name="Huis B",
        municipality=cast.municipality,
        regions=[cast.region],
        care_form="small_scale_home",
        age_min=10,
        age_max=18,
    )
