"""The hard conditions filtered in SQL agree with `matching.exclusions`; the acceptance rate
counts the provider's similar answered offers of 12 months; queries do not grow with locations."""

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from capacity.models import Location
from placement.models import Offer
from placement.selectors import _matching_rows, candidates_for_referral
from referrals.models import Referral, YouthIdentity, age_on
from tests.conftest import Cast
from tests.factories import LocationFactory

Client = Callable[..., APIClient]


def _offer(
    cast: Cast, referral: Referral, location: Location, status: str, *, days_ago: int = 10
) -> Offer:
    offer = Offer.objects.create(
        referral=referral,
        location=location,
        provider=location.provider,
        sent_by=cast.coordinator,
        status=status,
        deadline=timezone.now(),
        refusal_reason={"refused": "other", "expired": "no_response"}.get(status, ""),
    )
    Offer.objects.filter(pk=offer.pk).update(sent_at=timezone.now() - timedelta(days=days_ago))
    return offer


def _location(cast: Cast, **fields: Any) -> Location:
    defaults: dict[str, Any] = {
        "provider": cast.provider_a_org,
        "municipality": cast.municipality,
        "regions": [cast.region],
        "care_form": "treatment_group",
        "expertise": ["youth_parenting", "mental_health", "addiction"],
        "contra_indications": ["fire_setting"],
        "age_min": 10,
        "age_max": 18,
    }
    return LocationFactory(**{**defaults, **fields})


@pytest.mark.parametrize(("gender", "secured"), [("f", False), ("m", False), ("x", True)])
def test_sql_filter_keeps_exactly_the_locations_python_finds_fitting(
    cast: Cast, make_referral: Callable[..., Referral], gender: str, secured: bool
) -> None:
    referral = make_referral(
        care_forms=["secured", "treatment_group"] if secured else None,
        expertise=["youth_parenting", "mental_health"],
        risk_flags=["aggression"],
        gender=gender,
        secured=secured,
    )
    assert referral.youth.birth_date and referral.requested_start
    age = age_on(referral.youth.birth_date, referral.requested_start)
    other = make_referral()
    _offer(cast, referral, _location(cast, provider=cast.provider_b_org), "refused")
    _offer(cast, other, _location(cast, name="Elders geweigerd"), "refused")
    form = {"care_form": "secured", "secured": True} if secured else {}
    variants: list[dict[str, Any]] = [
        {},
        {"age_min": age, "age_max": age},
        {"gender": "girls"},
        {"gender": "boys"},
        {"care_form": "family_home"},
        {"care_form": "secured", "secured": True},
        {"age_min": age + 1},
        {"age_max": age - 1},
        {"expertise": ["youth_parenting"]},
        {"expertise": []},
        {"contra_indications": ["fire_setting", "aggression"]},
        {"free_places": 0, "occupied_places": 6},
        {"provider": cast.provider_b_org},
        {"is_active": False},
        {"regions": [cast.other_region]},
    ]
    for index, variant in enumerate(variants):
        extra = {} if "care_form" in variant else form
        _location(cast, name=f"Variant {index}", **{**extra, **variant})

    filtered = candidates_for_referral(referral=referral)
    everything = candidates_for_referral(referral=referral, include_excluded=True)

    def digest(candidates: list[Any]) -> list[tuple[int, int, list[str]]]:
        return [(c.location.pk, c.score, c.assessment.reasons) for c in candidates]

    assert filtered.candidates
    assert digest(filtered.candidates) == digest(everything.candidates)
    assert filtered.excluded == []
    assert all(c.assessment.excluded_because for c in everything.excluded)
    names = {c.location.name for c in filtered.candidates}
    assert "Variant 0" in names and "Variant 1" in names
    assert ("Variant 2" in names) is (gender == "f")
    assert ("Variant 3" in names) is (gender == "m")
    # every variant that breaks a hard condition is left out, and said why
    for broken in (4, 6, 7, 8, 9, 10, 11, 12, 13, 14):
        assert f"Variant {broken}" not in names
    assert ("Variant 5" in names) is secured
    excluded = {c.location.name for c in everything.excluded}
    assert {f"Variant {n}" for n in (6, 7, 8, 10, 11, 12)} <= excluded
    assert "Variant 14" not in excluded  # another region's location is not even read
    assert "Variant 13" not in excluded  # nor an inactive one
    # the need as the statement derived it
    need = filtered.need
    assert need.age == age and need.gender == gender and need.secured is secured
    assert list(need.expertise) == ["youth_parenting", "mental_health"]
    assert list(need.risk_flags) == ["aggression"]
    assert need.excluded_providers == frozenset({cast.provider_b_org.pk})
    # and the SQL itself lets through nothing that Python then excludes
    read = _matching_rows(
        referral_id=referral.pk,
        scope=None,
        since=timezone.now() - timedelta(days=365),
        fitting_only=True,
    )
    assert read is not None
    rows = read[1]
    assert [row["id"] for row in rows] == sorted(c.location.pk for c in filtered.candidates)
    # the confirmation moment (read as UTC timestamp) is the same instant as the model's
    ids = [row["id"] for row in rows]
    Location.objects.filter(pk__in=ids).update(
        last_confirmed_at=timezone.now() - timedelta(days=3, hours=23, minutes=59)
    )
    read = _matching_rows(
        referral_id=referral.pk,
        scope=None,
        since=timezone.now() - timedelta(days=365),
        fitting_only=True,
    )
    assert read is not None
    stored = dict(Location.objects.filter(pk__in=ids).values_list("id", "last_confirmed_at"))
    assert {row["id"]: row["last_confirmed_at"] for row in read[1]} == stored


@pytest.mark.parametrize(
    ("born", "start", "age"),
    [
        ("2010-06-15", "2026-06-14", 15),  # the day before the birthday
        ("2010-06-15", "2026-06-15", 16),  # on the birthday
        ("2008-02-29", "2026-02-28", 17),  # born on 29 February, not yet 18 on 28 February
        ("2008-02-29", "2026-03-01", 18),
        ("2010-12-31", "2027-01-01", 16),
    ],
)
def test_the_statement_counts_age_as_age_on_does(
    make_referral: Callable[..., Referral], born: str, start: str, age: int
) -> None:
    referral = make_referral()
    YouthIdentity.objects.filter(pk=referral.youth_id).update(birth_date=date.fromisoformat(born))
    Referral.objects.filter(pk=referral.pk).update(requested_start=date.fromisoformat(start))
    assert age_on(date.fromisoformat(born), date.fromisoformat(start)) == age
    assert candidates_for_referral(referral=referral).need.age == age


def test_acceptance_rate_counts_similar_answered_offers_of_12_months(
    cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    referral = make_referral(care_forms=["treatment_group"])
    group = _location(cast, name="Groep A")
    home = _location(cast, name="Gezinshuis A", care_form="family_home")
    _location(cast, name="Huis B", provider=cast.provider_b_org)
    _offer(cast, make_referral(), group, "accepted")
    _offer(cast, make_referral(), group, "refused")
    _offer(cast, make_referral(), group, "expired")
    _offer(cast, make_referral(), group, "accepted", days_ago=400)  # too old
    _offer(cast, make_referral(), group, "withdrawn")  # never answered
    _offer(cast, make_referral(), home, "accepted")  # not a similar request
    _offer(cast, make_referral(), home, "open")

    reasons = {
        c.location.name: " ".join(c.assessment.reasons)
        for c in candidates_for_referral(referral=referral).candidates
    }
    assert set(reasons) == {"Groep A", "Huis B"}
    assert "Aanbieder accepteerde 33% van vergelijkbare voorstellen" in reasons["Groep A"]
    assert "Nog geen voorstellen van deze soort in 12 maanden" in reasons["Huis B"]


def test_candidates_queries_do_not_grow_with_fitting_locations_and_providers(
    api_client_for: Client, cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    referral, other = make_referral(), make_referral()
    client = api_client_for(cast.coordinator)

    def measure() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/referrals/{referral.pk}/candidates/")
        assert response.status_code == 200
        return len(queries), len(response.json())

    def add(count: int) -> None:
        for _ in range(count):
            location = LocationFactory(municipality=cast.municipality, regions=[cast.region])
            _offer(cast, other, location, "accepted")

    LocationFactory(municipality=cast.municipality, regions=[cast.region])
    few_queries, few_rows = measure()
    add(20)
    many_queries, many_rows = measure()
    assert (few_rows, many_rows) == (1, 21)
    assert many_queries == few_queries == 1  # the referral and its locations, together
