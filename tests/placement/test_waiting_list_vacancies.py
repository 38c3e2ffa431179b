"""The waiting list shows per request "verwacht vrij over N weken bij …" for the soonest
expected vacancy at a full location that fits it (issue 22.5), in a fixed number of queries."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client as DjangoClient
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from capacity.models import CapacityChange, Location
from placement import services
from placement.models import Placement
from placement.selectors import expected_vacancies_for_referrals, full_fitting_location_ids
from referrals.models import Referral
from tests.conftest import Cast
from tests.factories import LocationFactory
from tests.placement import test_expected_vacancies

placed = test_expected_vacancies.placed  # the fixture: an active placement at location A
make_full = test_expected_vacancies.make_full
WAITING = "/placement/wachtlijst/"
TODAY = timezone.localdate


def signed_in(user: Any) -> DjangoClient:
    client = DjangoClient()
    client.force_login(user)
    return client


def rows_of(html: str) -> list[str]:
    """The text of each row's expected-vacancy cell, in page order."""
    marker = 'data-testid="expected-vacancy">'
    return [part.split("</td>", 1)[0] for part in html.split(marker)[1:]]


def _location(**fields: Any) -> Location:
    return LocationFactory(**fields)  # type: ignore[return-value]


def enlarge(location: Location, *, days: int, by: Any) -> None:
    """An announced enlargement: an expected vacancy `days` from today."""
    CapacityChange.objects.create(
        location=location,
        kind=CapacityChange.Kind.RESIZE,
        new_total=location.total_places + 2,
        effective_on=TODAY() + timedelta(days=days),
        reason=CapacityChange.ReasonCode.NEW_GROUP,
        announced_by=by,
    )


@pytest.fixture
def full_a_ending_in_3_weeks(
    cast: Cast, placed: Callable[..., Placement], location_a: Location
) -> Location:
    placement = placed()
    make_full(location_a)
    services.placement_update_plans(
        placement=placement, by=cast.coordinator, planned_end=TODAY() + timedelta(days=20)
    )
    return location_a


def test_a_fitting_location_ending_in_3_weeks_is_shown_a_non_fitting_one_is_not(
    cast: Cast, make_referral: Callable[..., Referral], full_a_ending_in_3_weeks: Location
) -> None:
    fits = make_referral(status=Referral.Status.WAITING)
    foster = make_referral(status=Referral.Status.WAITING, care_forms=["foster_care"])
    # a full foster home of the region expecting a place sooner (next week), that fits only
    # `foster`; and a full family home expecting one too, which fits neither
    home = _location(
        provider=cast.provider_b_org,
        name="Pleeggezin B",
        municipality=cast.municipality,
        regions=[cast.region],
        care_form="foster_care",
        age_min=0,
        age_max=18,
    )
    other = _location(
        provider=cast.provider_b_org,
        name="Gezinshuis Z",
        municipality=cast.municipality,
        regions=[cast.region],
        care_form="family_home",
    )
    for location in (home, other):
        make_full(location)
        location.refresh_from_db()
        enlarge(location, days=6, by=cast.coordinator)

    html = signed_in(cast.coordinator).get(WAITING, {"sort": "code"}).content.decode()
    cells = dict(zip((fits.code, foster.code), rows_of(html), strict=True))
    assert cells[fits.code] == f"Verwacht vrij over 3 weken bij Groep A ({_day(20)})."
    assert cells[foster.code] == f"Verwacht vrij over 1 week bij Pleeggezin B ({_day(6)})."
    assert "Gezinshuis Z" not in html

    # the foster home's enlargement withdrawn: nothing expected for `foster` any more
    CapacityChange.objects.filter(location=home).delete()
    html = signed_in(cast.coordinator).get(WAITING, {"sort": "code"}).content.decode()
    assert rows_of(html)[1] == "Geen plek verwacht"


def _day(days: int) -> str:
    from config.dates import day

    return day(TODAY() + timedelta(days=days))


def test_a_location_with_a_free_place_or_a_refusing_provider_is_no_expected_vacancy(
    cast: Cast,
    make_referral: Callable[..., Referral],
    full_a_ending_in_3_weeks: Location,
    location_b: Location,
) -> None:
    """The fit is the watcher's: a location that is not full is a candidate, not an expected
    vacancy; a provider that refused the request is left out."""
    waiting = make_referral(status=Referral.Status.WAITING)
    other = make_referral(status=Referral.Status.WAITING)
    enlarge(location_b, days=6, by=cast.coordinator)  # free places now: a candidate already
    Location.objects.filter(pk=full_a_ending_in_3_weeks.pk).update(provider=cast.provider_b_org)
    from tests.placement.test_candidates_sql import _offer

    _offer(cast, waiting, location_b, "refused")  # provider B (now of A too) refused `waiting`
    found = expected_vacancies_for_referrals(referral_ids=[waiting.pk, other.pk])
    assert waiting.pk not in found
    assert found[other.pk].location_name == "Groep A" and found[other.pk].weeks == 3


def test_the_set_based_fit_is_the_watchers_fit(
    cast: Cast, make_referral: Callable[..., Referral], location_a: Location
) -> None:
    """One statement for many requests keeps exactly the full locations that
    `full_fitting_location_ids` (matching's Python check) keeps for each."""
    referrals = [
        make_referral(status=Referral.Status.WAITING),
        make_referral(status=Referral.Status.WAITING, gender="m"),
        make_referral(status=Referral.Status.WAITING, care_forms=["foster_care"]),
        make_referral(status=Referral.Status.WAITING, expertise=["addiction"]),
        make_referral(status=Referral.Status.WAITING, risk_flags=["fire_setting"]),
        make_referral(status=Referral.Status.WAITING, secured=True),
        make_referral(status=Referral.Status.WAITING, intensity="Z"),
    ]
    variants: list[dict[str, Any]] = [
        {},
        {"gender": "girls"},
        {"gender": "boys"},
        {"care_form": "foster_care", "age_min": 0},
        {"expertise": ["youth_parenting", "addiction"]},
        {"contra_indications": ["fire_setting"]},
        {"secured": True, "care_form": "secured"},
        {"intensity": "M"},
        {"age_min": 17},
        {"is_active": False},
        {"regions": [cast.other_region]},
    ]
    for index, variant in enumerate(variants):
        location = _location(
            **{
                "provider": cast.provider_a_org,
                "name": f"Variant {index}",
                "municipality": cast.municipality,
                "regions": [cast.region],
                "care_form": "treatment_group",
                "age_min": 10,
                "age_max": 18,
                **variant,
            }
        )
        make_full(location)
        location.refresh_from_db()
        enlarge(location, days=10, by=cast.coordinator)
    found = expected_vacancies_for_referrals(referral_ids=[r.pk for r in referrals])
    for referral in referrals:
        expected = sorted(full_fitting_location_ids(referral=referral))
        soonest = found.get(referral.pk)
        assert (soonest.location_id if soonest else None) == (expected[0] if expected else None)
    assert len(found) >= 4  # the variants do fit several of the requests


@pytest.mark.parametrize("who", ["referrer", "provider_a", "analyst", "admin"])
def test_other_roles_do_not_see_the_waiting_list(
    cast: Cast,
    make_referral: Callable[..., Referral],
    full_a_ending_in_3_weeks: Location,
    who: str,
) -> None:
    make_referral(status=Referral.Status.WAITING)
    response = signed_in(getattr(cast, who)).get(WAITING)
    assert response.status_code in (403, 404)
    assert "Groep A" not in response.content.decode()


def test_the_queries_stay_fixed_for_2_and_20_waiting_requests(
    cast: Cast,
    make_referral: Callable[..., Referral],
    full_a_ending_in_3_weeks: Location,
    location_b: Location,
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    def add(count: int) -> None:
        for index in range(count):
            make_referral(
                status=Referral.Status.WAITING,
                care_forms=["foster_care"] if index % 4 == 3 else None,
            )

    make_full(location_b)
    location_b.refresh_from_db()
    enlarge(location_b, days=30, by=cast.coordinator)
    client = signed_in(cast.coordinator)
    add(2)
    client.get(WAITING)
    with CaptureQueriesContext(connection) as few:
        html = client.get(WAITING).content.decode()
    assert html.count("Verwacht vrij over 3 weken bij Groep A") == 2
    add(18)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(WAITING).content.decode()
    assert html.count("Verwacht vrij over 3 weken bij Groep A") == 16
    assert html.count("Geen plek verwacht") == 4
