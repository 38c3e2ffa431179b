"""The intensity rule of matching: one band below the need scores lower, two or more below
exclude (issue 22: a youth needing Z was proposed band M at score 79); the SQL filter of the
candidates agrees with Python."""

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from placement.matching import assess, exclusions
from placement.selectors import _matching_rows, candidates_for_referral
from referrals.models import Referral
from tests.conftest import Cast
from tests.factories import LocationFactory
from tests.placement.test_matching import FITTING, NEED, NOW, WEIGHTS

SETTINGS: dict[str, Any] = {
    "weights": WEIGHTS,
    "now": NOW,
    "distance_zero_km": 100.0,
    "school_reach_km": 25.0,
    "stale_days": 7,
}


def test_needing_z_excludes_band_m_and_says_why() -> None:
    need = replace(NEED, intensity="Z")
    location = replace(FITTING, intensity="M")
    assert exclusions(need, location) == [
        "Intensiteit te laag: nodig Z, locatie M (meer dan één klasse lager)."
    ]
    assert not assess(need, location, **SETTINGS).fits


def test_two_bands_below_excludes_one_below_scores_lower() -> None:
    need = replace(NEED, intensity="Z")
    exact = assess(need, replace(FITTING, intensity="Z"), **SETTINGS)
    one_below = assess(need, replace(FITTING, intensity="Y"), **SETTINGS)
    two_below = assess(need, replace(FITTING, intensity="X"), **SETTINGS)
    assert exact.fits and one_below.fits and not two_below.fits
    assert one_below.score == exact.score - WEIGHTS["intensity"] // 2
    assert any("locatie Y: één klasse lager" in reason for reason in one_below.reasons)
    assert "Intensiteit te laag: nodig Z, locatie X" in two_below.excluded_because[0]


def test_higher_band_or_no_band_fits() -> None:
    need = replace(NEED, intensity="M")
    higher = assess(need, replace(FITTING, intensity="Z"), **SETTINGS)
    assert higher.fits and any("hoger dan nodig" in reason for reason in higher.reasons)
    assert assess(need, replace(FITTING, intensity=""), **SETTINGS).fits
    assert assess(replace(NEED, intensity=""), replace(FITTING, intensity="K"), **SETTINGS).fits


def test_candidates_sql_applies_the_same_rule(
    cast: Cast, make_referral: Callable[..., Referral], client: Client
) -> None:
    referral = make_referral(intensity="Z")
    names: dict[int, str] = {}
    for band in ("Z", "Y", "X", "M", ""):
        location = LocationFactory(
            provider=cast.provider_a_org,
            name=f"Klasse {band or 'geen'}",
            municipality=cast.municipality,
            regions=[cast.region],
            care_form="treatment_group",
            age_min=10,
            age_max=18,
            intensity=band,
        )
        names[location.pk] = location.name
    filtered = candidates_for_referral(referral=referral)
    everything = candidates_for_referral(referral=referral, include_excluded=True)
    assert {c.location.name for c in filtered.candidates} == {"Klasse Z", "Klasse Y", "Klasse geen"}
    assert [c.location.pk for c in filtered.candidates] == [
        c.location.pk for c in everything.candidates
    ]
    excluded = {c.location.name: c.assessment.excluded_because for c in everything.excluded}
    assert set(excluded) == {"Klasse X", "Klasse M"}
    assert excluded["Klasse M"] == [
        "Intensiteit te laag: nodig Z, locatie M (meer dan één klasse lager)."
    ]
    assert filtered.proposal is not None and filtered.proposal.location.name == "Klasse Z"
    read = _matching_rows(  # the SQL itself leaves them out
        referral_id=referral.pk,
        scope=None,
        since=timezone.now() - timedelta(days=365),
        fitting_only=True,
    )
    assert read is not None
    assert {names[row["id"]] for row in read[1]} == {"Klasse Z", "Klasse Y", "Klasse geen"}

    client.force_login(cast.coordinator)
    page = client.get(f"/placement/verzoeken/{referral.pk}/matching/?uitgesloten=1")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Intensiteit te laag: nodig Z, locatie M" in body
    assert "twee klassen of meer lager sluit de locatie uit" in body
