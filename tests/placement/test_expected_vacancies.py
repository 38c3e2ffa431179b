"""Expected vacancies (issue 22.5): planned ends, free places in 4/8/12 weeks, the line on
the matching page, the watcher's alert, and the check of the forecasts afterwards."""

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db.models import F
from django.test import Client as DjangoClient
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Notification
from capacity.models import CapacityChange, Location
from capacity.selectors import provider_locations
from placement import services
from placement.models import Offer, Placement, VacancyForecast
from placement.selectors import expected_vacancy_dates, forecast_check
from referrals.models import Referral
from tests.conftest import Cast
from tests.placement.test_placements import end, place

Client = Callable[..., APIClient]
TODAY = timezone.localdate


@pytest.fixture
def placed(
    api_client_for: Client, cast: Cast, make_referral: Callable[..., Referral], location_a: Location
) -> Callable[..., Placement]:
    """An active placement at location A, started today."""

    def make() -> Placement:
        # one more place each time (free + held + occupied = total stays true)
        Location.objects.filter(pk=location_a.pk).update(
            total_places=F("total_places") + 1, free_places=F("free_places") + 1
        )
        referral = make_referral()
        coordinator = api_client_for(cast.coordinator)
        sent = coordinator.post(
            f"/api/v1/referrals/{referral.pk}/offers/", {"location": location_a.pk}, format="json"
        )
        assert sent.status_code == 201, sent.json()
        offer = Offer.objects.get(referral=referral)
        accept = api_client_for(cast.provider_a).post(f"/api/v1/offers/{offer.pk}/accept/")
        assert accept.status_code == 200
        assert place(coordinator, offer, TODAY()).status_code == 201  # type: ignore[attr-defined]
        return Placement.objects.get(referral=referral)

    return make


def make_full(location: Location) -> None:
    """No free place left (the free ones taken out of the total: the invariant holds)."""
    Location.objects.filter(pk=location.pk).update(
        total_places=F("total_places") - F("free_places"), free_places=0
    )


def set_planned_end(client: APIClient, placement: Placement, day: date | None) -> object:
    return client.patch(
        f"/api/v1/placements/{placement.pk}/",
        {"planned_end": day.isoformat() if day else None},
        format="json",
    )


def test_the_planned_end_is_recorded_as_a_forecast(
    api_client_for: Client, cast: Cast, placed: Callable[..., Placement]
) -> None:
    placement = placed()
    provider = api_client_for(cast.provider_a)
    response = set_planned_end(provider, placement, TODAY() + timedelta(days=30))
    assert response.status_code == 200, response.json()  # type: ignore[attr-defined]
    assert response.json()["planned_end"] == (TODAY() + timedelta(days=30)).isoformat()  # type: ignore[attr-defined]
    assert (
        set_planned_end(
            api_client_for(cast.coordinator), placement, TODAY() + timedelta(days=40)
        ).status_code
        == 200
    )  # type: ignore[attr-defined]
    forecasts = VacancyForecast.objects.order_by("id")
    assert [(f.expected_on, f.superseded_at is None) for f in forecasts] == [
        (TODAY() + timedelta(days=30), False),
        (TODAY() + timedelta(days=40), True),
    ]
    assert set_planned_end(provider, placement, None).status_code == 200  # type: ignore[attr-defined]
    assert not VacancyForecast.objects.filter(superseded_at__isnull=True).exists()


def test_a_planned_end_before_the_start_is_refused(
    api_client_for: Client, cast: Cast, placed: Callable[..., Placement]
) -> None:
    placement = placed()
    response = set_planned_end(
        api_client_for(cast.provider_a), placement, TODAY() - timedelta(days=1)
    )
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert list(response.json()["errors"]) == ["planned_end"]  # type: ignore[attr-defined]
    placement.refresh_from_db()
    assert placement.planned_end is None
    assert not VacancyForecast.objects.exists()
    bad = api_client_for(cast.provider_a).patch(
        f"/api/v1/placements/{placement.pk}/", {"planned_end": "soon"}, format="json"
    )
    assert bad.status_code == 400 and "planned_end" in bad.json()["errors"]


@pytest.mark.parametrize("who", ["provider_b", "referrer", "analyst", "admin"])
def test_it_requires_the_placements_provider_or_coordinator(
    api_client_for: Client, cast: Cast, placed: Callable[..., Placement], who: str
) -> None:
    placement = placed()
    client = api_client_for(getattr(cast, who))
    assert client.get(f"/api/v1/placements/{placement.pk}/").status_code == 404
    assert set_planned_end(client, placement, TODAY() + timedelta(days=9)).status_code == 404  # type: ignore[attr-defined]
    assert not VacancyForecast.objects.exists()


def test_expected_free_places_in_4_8_and_12_weeks(
    api_client_for: Client, cast: Cast, placed: Callable[..., Placement], location_a: Location
) -> None:
    placement = placed()
    make_full(location_a)
    services.placement_update_plans(
        placement=placement, by=cast.provider_a, planned_end=TODAY() + timedelta(days=20)
    )

    def expected() -> tuple[int, int, int]:
        row = provider_locations(provider=cast.provider_a_org).get(pk=location_a.pk)
        return row.expected_free_4, row.expected_free_8, row.expected_free_12  # type: ignore[attr-defined]

    assert expected() == (1, 1, 1)
    total = Location.objects.get(pk=location_a.pk).total_places
    CapacityChange.objects.create(
        location=location_a,
        kind=CapacityChange.Kind.RESIZE,
        new_total=total + 2,
        effective_on=TODAY() + timedelta(days=40),
        reason=CapacityChange.ReasonCode.NEW_GROUP,
        announced_by=cast.provider_a,
    )
    assert expected() == (1, 3, 3)
    CapacityChange.objects.create(
        location=location_a,
        kind=CapacityChange.Kind.CLOSURE,
        effective_on=TODAY() + timedelta(days=70),
        reason=CapacityChange.ReasonCode.GROUP_CLOSURE,
        announced_by=cast.provider_a,
    )
    assert expected() == (1, 3, 0)
    page = DjangoClient()
    page.force_login(cast.provider_a)
    assert (
        'data-testid="expected-free">1 / 3 / 0<'
        in page.get("/capacity/mijn-locaties/").content.decode()
    )


def test_a_waiting_request_sees_and_is_told_of_an_expected_vacancy(
    cast: Cast,
    placed: Callable[..., Placement],
    make_referral: Callable[..., Referral],
    location_a: Location,
) -> None:
    placement = placed()
    make_full(location_a)
    waiting = make_referral(status=Referral.Status.WAITING)
    assert services.expected_vacancies_watch() == 0  # no planned end yet: nothing expected
    services.placement_update_plans(
        placement=placement, by=cast.coordinator, planned_end=TODAY() + timedelta(days=20)
    )
    assert expected_vacancy_dates(location_ids=[location_a.pk], today=TODAY()) == {
        location_a.pk: TODAY() + timedelta(days=20)
    }
    client = DjangoClient()
    client.force_login(cast.coordinator)
    page = client.get(f"/placement/verzoeken/{waiting.pk}/matching/").content.decode()
    assert "Verwacht vrij over 3 weken bij Groep A" in page
    assert services.expected_vacancies_watch() == 1
    assert services.expected_vacancies_watch() == 0  # once per request and location
    note = Notification.objects.get(kind="waiting.expected_vacancy")
    assert waiting.code in note.message and "Groep A" in note.message


def test_the_forecasts_are_checked_afterwards(
    api_client_for: Client, cast: Cast, placed: Callable[..., Placement], location_a: Location
) -> None:
    near, far, open_one = placed(), placed(), placed()
    for placement in (near, far, open_one):
        services.placement_update_plans(
            placement=placement, by=cast.provider_a, planned_end=TODAY()
        )
    # `far` was expected three weeks ago, has not ended: a forecast that did not come true
    Placement.objects.filter(pk=far.pk).update(start_date=TODAY() - timedelta(days=60))
    VacancyForecast.objects.filter(placement=far).update(expected_on=TODAY() - timedelta(days=21))
    # `open_one` is expected within the tolerance still: not settled yet
    coordinator = api_client_for(cast.coordinator)
    response = end(coordinator, near, end_date=TODAY().isoformat(), reason="returned_home")
    assert response.status_code == 200  # type: ignore[attr-defined]
    check = forecast_check(location_ids=[location_a.pk])
    assert (check.came_true, check.settled) == (1, 2)
    page = DjangoClient()
    page.force_login(cast.coordinator)
    content = page.get("/capacity/overzicht/").content.decode()
    assert "1 van 2 verwachte plekken kwamen vrij" in content


def test_the_placement_page_sets_the_planned_end(
    cast: Cast, placed: Callable[..., Placement]
) -> None:
    placement = placed()
    client = DjangoClient()
    client.force_login(cast.provider_a)
    url = f"/placement/plaatsingen/{placement.pk}/"
    bad = client.post(
        f"{url}plannen/", {"plans-planned_end": (TODAY() - timedelta(days=2)).isoformat()}
    )
    assert bad.status_code == 400
    assert "De verwachte einddatum ligt vóór de startdatum." in bad.content.decode()
    done = client.post(
        f"{url}plannen/", {"plans-planned_end": (TODAY() + timedelta(days=50)).isoformat()}
    )
    assert done.status_code == 302
    placement.refresh_from_db()
    assert placement.planned_end == TODAY() + timedelta(days=50)
    assert VacancyForecast.objects.filter(placement=placement).count() == 1
