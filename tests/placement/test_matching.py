"""The candidate conditions one by one, and the score order on a fixture with a known answer."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from placement.matching import LocationFacts, Need, assess, distance_km, exclusions, rank

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
AMERSFOORT = (52.156, 5.387)
UTRECHT = (52.090, 5.121)
LELYSTAD = (52.518, 5.471)
WEIGHTS = {
    "care_form": 30,
    "distance": 25,
    "school": 15,
    "intensity": 10,
    "freshness": 10,
    "acceptance": 10,
}

NEED = Need(
    care_forms=["treatment_group", "small_scale_home"],
    expertise=["youth_parenting", "mental_health"],
    risk_flags=["aggression"],
    intensity="P",
    secured=False,
    age=14,
    gender="f",
    home_latitude=AMERSFOORT[0],
    home_longitude=AMERSFOORT[1],
    attends_school=True,
)

FITTING = LocationFacts(
    id=1,
    provider_id=10,
    care_form="treatment_group",
    expertise=["youth_parenting", "mental_health", "addiction"],
    contra_indications=["fire_setting"],
    age_min=12,
    age_max=17,
    gender="any",
    secured=False,
    intensity="P",
    school_on_site=False,
    latitude=AMERSFOORT[0],
    longitude=AMERSFOORT[1],
    free_places=1,
    last_confirmed_at=NOW,
    acceptance_rate=1.0,
)


def run(need: Need, location: LocationFacts) -> int:
    return assess(
        need,
        location,
        weights=WEIGHTS,
        now=NOW,
        distance_zero_km=100,
        school_reach_km=30,
        stale_days=7,
    ).score


def test_a_fitting_location_has_no_exclusions_and_a_perfect_score() -> None:
    assert exclusions(NEED, FITTING) == []
    assert run(NEED, FITTING) == 100


@pytest.mark.parametrize(
    ("change", "need_change", "expected"),
    [
        ({"care_form": "family_home"}, {}, "Zorgvorm"),
        ({"age_min": 15}, {}, "Leeftijd 14 valt buiten 15–17 jaar"),
        ({"age_max": 13}, {}, "Leeftijd 14 valt buiten"),
        ({"gender": "boys"}, {}, "alleen voor jongens"),
        ({"gender": "girls"}, {"gender": "m"}, "alleen voor meisjes"),
        ({"gender": "girls"}, {"gender": "x"}, "alleen voor meisjes"),
        ({}, {"secured": True}, "Gesloten plaatsing nodig"),
        ({"secured": True, "care_form": "treatment_group"}, {}, "De locatie is gesloten"),
        ({"expertise": ["youth_parenting"]}, {}, "Expertise ontbreekt: jeugd-GGZ"),
        ({"contra_indications": ["aggression"]}, {}, "Contra-indicatie van de locatie: agressie"),
        ({}, {"excluded_providers": frozenset({10})}, "al geweigerd"),
        ({"free_places": 0}, {}, "Geen vrije plek"),
    ],
)
def test_each_hard_condition_excludes(
    change: dict[str, object], need_change: dict[str, object], expected: str
) -> None:
    location = replace(FITTING, **change)  # type: ignore[arg-type]
    need = replace(NEED, **need_change)  # type: ignore[arg-type]
    reasons = exclusions(need, location)
    assert len(reasons) == 1, reasons
    assert expected in reasons[0]
    result = assess(
        need,
        location,
        weights=WEIGHTS,
        now=NOW,
        distance_zero_km=100,
        school_reach_km=30,
        stale_days=7,
    )
    assert not result.fits
    assert rank([result]) == []


def test_age_boundaries_are_inclusive() -> None:
    assert exclusions(NEED, replace(FITTING, age_min=14, age_max=14)) == []


def test_distance_between_amersfoort_and_utrecht_is_about_20_km() -> None:
    assert 18 < distance_km(*AMERSFOORT, *UTRECHT) < 22


def test_score_order_on_a_known_fixture() -> None:
    """Close to home and school outweighs a first choice far away ("zo thuis mogelijk"):

    A: 1st choice, Amersfoort, fresh, accepting      -> 100, best
    C: 2nd choice, Amersfoort                        -> 85, second
    B: 1st choice, Lelystad (~42 km, school too far) -> ~74, third
    D: 1st choice, Amersfoort, but contra-indication -> excluded
    """
    a = replace(FITTING, id=1)
    b = replace(FITTING, id=2, latitude=LELYSTAD[0], longitude=LELYSTAD[1])
    c = replace(FITTING, id=3, care_form="small_scale_home")
    d = replace(FITTING, id=4, contra_indications=["aggression"])
    results = [
        assess(
            NEED,
            loc,
            weights=WEIGHTS,
            now=NOW,
            distance_zero_km=100,
            school_reach_km=30,
            stale_days=7,
        )
        for loc in (d, c, b, a)
    ]
    ordered = rank(results)
    assert [r.location_id for r in ordered] == [1, 3, 2]
    scores = {r.location_id: r.score for r in ordered}
    # B loses the distance share (~42 of 100 km of 25 points) and all 15 school points.
    assert scores[2] == round(100 - 25 * distance_km(*AMERSFOORT, *LELYSTAD) / 100 - 15)
    # C loses half of the care-form points (2nd of two choices).
    assert scores[3] == 85


def test_every_part_of_the_score_is_a_readable_reason() -> None:
    result = assess(
        NEED,
        replace(FITTING, intensity="R", acceptance_rate=0.5),
        weights=WEIGHTS,
        now=NOW,
        distance_zero_km=100,
        school_reach_km=30,
        stale_days=7,
    )
    text = " | ".join(result.reasons)
    assert len(result.reasons) == 6
    assert "1e keuze" in text
    assert "Afstand tot woongemeente: 0 km" in text
    assert "school blijft bereikbaar" in text
    assert "Intensiteit P gevraagd, locatie R" in text
    assert "0 dagen geleden bevestigd" in text
    assert "50% van vergelijkbare voorstellen" in text
    assert result.score == 100 - 5 - 5  # two intensity steps of four, half acceptance


def test_stale_figures_lower_the_score() -> None:
    stale = replace(FITTING, last_confirmed_at=NOW - timedelta(days=10))
    assert run(NEED, stale) < run(NEED, FITTING)


def test_school_on_site_counts_when_the_youth_attends_no_school() -> None:
    need = replace(NEED, attends_school=False)
    assert run(need, replace(FITTING, school_on_site=True)) - run(need, FITTING) == 15


def test_unknown_acceptance_history_is_neutral() -> None:
    assert run(NEED, replace(FITTING, acceptance_rate=None)) == 95
