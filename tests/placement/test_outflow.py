"""Outflow (issue 21.5): the destination, stagnation, and the 17½ alert without an 18+ plan."""

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db.models import F
from django.test import Client as DjangoClient
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Notification
from capacity.models import Location
from placement import services
from placement.models import Offer, Placement
from referrals.models import Referral
from tests.conftest import Cast
from tests.placement.conftest import CANARY_STRINGS
from tests.placement.test_placements import counts, end, place

Client = Callable[..., APIClient]
TODAY = timezone.localdate


@pytest.fixture
def place_youth(
    api_client_for: Client, cast: Cast, make_referral: Callable[..., Referral], location_a: Location
) -> Callable[..., Placement]:
    """An active placement at location A (started `days_ago`) of a youth born `birth_date`."""

    def make(*, birth_date: date = date(2012, 3, 14), days_ago: int = 0) -> Placement:
        # one more place each time, so that every youth fits (free + held + occupied = total)
        Location.objects.filter(pk=location_a.pk).update(
            total_places=F("total_places") + 1, free_places=F("free_places") + 1
        )
        referral = make_referral(birth_date=birth_date)
        coordinator = api_client_for(cast.coordinator)
        sent = coordinator.post(
            f"/api/v1/referrals/{referral.pk}/offers/", {"location": location_a.pk}, format="json"
        )
        assert sent.status_code == 201, sent.json()
        offer = Offer.objects.get(referral=referral)
        assert (
            api_client_for(cast.provider_a).post(f"/api/v1/offers/{offer.pk}/accept/").status_code
            == 200
        )
        assert place(coordinator, offer, TODAY()).status_code == 201  # type: ignore[attr-defined]
        # started earlier: a start in the past cannot be recorded that far back
        Placement.objects.filter(referral=referral).update(
            start_date=TODAY() - timedelta(days=days_ago)
        )
        return Placement.objects.get(referral=referral)

    return make


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "planned_outflow"}, "outflow"),
        ({"reason": "turned_18"}, "outflow"),
        ({"reason": "planned_outflow", "outflow": "moon"}, "outflow"),
        (
            {"reason": "planned_outflow", "outflow": "home", "ready_to_leave_since": "tomorrow"},
            "ready_to_leave_since",
        ),
    ],
)
def test_an_outflow_needs_a_known_destination(
    api_client_for: Client,
    cast: Cast,
    place_youth: Callable[..., Placement],
    location_a: Location,
    body: dict[str, str],
    field: str,
) -> None:
    placement = place_youth()
    before = counts(location_a)
    response = end(
        api_client_for(cast.coordinator), placement, end_date=TODAY().isoformat(), **body
    )
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert field in response.json()["errors"]  # type: ignore[attr-defined]
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ACTIVE
    assert counts(location_a) == before


def test_ready_to_leave_since_lies_between_start_and_end(
    api_client_for: Client, cast: Cast, place_youth: Callable[..., Placement], location_a: Location
) -> None:
    placement = place_youth(days_ago=20)
    coordinator = api_client_for(cast.coordinator)
    for wrong in (TODAY() + timedelta(days=1), TODAY() - timedelta(days=30)):
        response = end(
            coordinator,
            placement,
            end_date=TODAY().isoformat(),
            reason="planned_outflow",
            outflow="supported_living",
            ready_to_leave_since=wrong.isoformat(),
        )
        assert response.status_code == 400  # type: ignore[attr-defined]
        assert list(response.json()["errors"]) == ["ready_to_leave_since"]  # type: ignore[attr-defined]
    response = end(
        coordinator,
        placement,
        end_date=TODAY().isoformat(),
        reason="planned_outflow",
        outflow="supported_living",
        ready_to_leave_since=(TODAY() - timedelta(days=10)).isoformat(),
    )
    assert response.status_code == 200, response.json()  # type: ignore[attr-defined]
    assert response.json()["ready_to_leave_since"] == (TODAY() - timedelta(days=10)).isoformat()  # type: ignore[attr-defined]
    placement.refresh_from_db()
    assert (placement.outflow, placement.ready_to_leave_since) == (
        "supported_living",
        TODAY() - timedelta(days=10),
    )


def test_back_home_means_home_and_18_takes_a_destination(
    api_client_for: Client, cast: Cast, place_youth: Callable[..., Placement]
) -> None:
    first, second = place_youth(), place_youth()
    coordinator = api_client_for(cast.coordinator)
    assert (
        end(coordinator, first, end_date=TODAY().isoformat(), reason="returned_home").status_code
        == 200
    )  # type: ignore[attr-defined]
    first.refresh_from_db()
    assert first.outflow == Placement.Outflow.HOME
    response = end(
        coordinator, second, end_date=TODAY().isoformat(), reason="turned_18", outflow="adult_care"
    )
    assert response.status_code == 200  # type: ignore[attr-defined]
    second.refresh_from_db()
    assert second.outflow == Placement.Outflow.ADULT_CARE


def test_the_old_destination_codes_are_still_accepted(
    api_client_for: Client, cast: Cast, place_youth: Callable[..., Placement]
) -> None:
    placement = place_youth()
    response = end(
        api_client_for(cast.provider_a),
        placement,
        end_date=TODAY().isoformat(),
        reason="planned_outflow",
        outflow="independent_living",
    )
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response.json()["outflow"] == "supported_living"  # type: ignore[attr-defined]


def test_the_end_form_records_destination_and_stagnation(
    cast: Cast, place_youth: Callable[..., Placement]
) -> None:
    placement = place_youth(days_ago=5)
    client = DjangoClient()
    client.force_login(cast.provider_a)
    url = f"/placement/plaatsingen/{placement.pk}/"
    bad = client.post(url, {"end_date": TODAY().isoformat(), "reason": "turned_18"})
    assert bad.status_code == 400
    assert "Geef aan waarheen de jongere uitstroomt." in bad.content.decode()
    done = client.post(
        url,
        {
            "end_date": TODAY().isoformat(),
            "reason": "planned_outflow",
            "outflow": "lighter_residential",
            "ready_to_leave_since": (TODAY() - timedelta(days=2)).isoformat(),
        },
    )
    assert done.status_code == 302
    page = client.get(url).content.decode()
    assert 'data-testid="ready-to-leave"' in page
    assert "lichtere residentiële zorg" in page


@pytest.mark.parametrize(
    ("today", "cutoff"),
    [
        (date(2026, 12, 2), date(2009, 6, 2)),
        (date(2026, 8, 31), date(2009, 2, 28)),
        (date(2026, 3, 15), date(2008, 9, 15)),
    ],
)
def test_17_and_a_half_is_counted_in_calendar_months(today: date, cutoff: date) -> None:
    assert services.adult_plan_alert_cutoff(today) == cutoff


def test_a_youth_of_17_and_a_half_without_an_18_plus_plan_is_announced_once(
    cast: Cast, place_youth: Callable[..., Placement]
) -> None:
    cutoff = services.adult_plan_alert_cutoff(TODAY())  # 17½ today
    due = place_youth(birth_date=cutoff)
    planned = place_youth(birth_date=cutoff - timedelta(days=60))
    young = place_youth(birth_date=cutoff + timedelta(days=1))
    Placement.objects.filter(pk=planned.pk).update(adult_plan_on=TODAY())
    assert services.placements_alert_missing_adult_plan() == 1
    assert services.placements_alert_missing_adult_plan() == 0  # idempotent
    notes = Notification.objects.filter(kind="placement.no_adult_plan")
    assert {n.recipient for n in notes} == {cast.coordinator}
    note = notes.get()
    assert due.referral.code in note.message
    assert not any(canary in note.message for canary in CANARY_STRINGS)
    due.refresh_from_db()
    young.refresh_from_db()
    assert due.adult_plan_alerted_at is not None and young.adult_plan_alerted_at is None


def test_the_18_plus_plan_is_set_by_the_placements_people_only(
    api_client_for: Client, cast: Cast, place_youth: Callable[..., Placement]
) -> None:
    placement = place_youth()
    url = f"/api/v1/placements/{placement.pk}/"
    for who in ("provider_b", "referrer", "analyst"):
        response = api_client_for(getattr(cast, who)).patch(
            url, {"adult_plan_on": TODAY().isoformat()}, format="json"
        )
        assert response.status_code == 404
    response = api_client_for(cast.provider_a).patch(
        url, {"adult_plan_on": (TODAY() + timedelta(days=1)).isoformat()}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["adult_plan_on"]
    placement.refresh_from_db()
    assert placement.adult_plan_on is None
    response = api_client_for(cast.provider_a).patch(
        url, {"adult_plan_on": TODAY().isoformat()}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["adult_plan_on"] == TODAY().isoformat()
