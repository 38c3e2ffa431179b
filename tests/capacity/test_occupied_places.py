# ruff: noqa: F811 - the fixture make_referral is imported from the placement tests
"""Issue 18: occupied places are exactly the active placements (point 3), and one freed place
sends one alert per coordinator listing the fitting waiting referrals (point 14)."""

import importlib
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Notification
from capacity.models import CapacityEvent, Location
from capacity.services import (
    location_adjust_free_places,
    location_set_free_places,
    location_update_profile,
)
from placement import services as placement_services
from placement.models import Offer, Placement
from referrals.models import Referral
from tests.conftest import Cast
from tests.factories import LocationFactory
from tests.placement.conftest import make_referral  # noqa: F401 - fixture

Client = Callable[..., APIClient]
MakeReferral = Callable[..., Referral]

pytestmark = pytest.mark.django_db


def fitting_location(cast: Cast, **counts: int) -> Location:
    return LocationFactory(
        provider=cast.provider_a_org,
        municipality=cast.municipality,
        regions=[cast.region],
        care_form="treatment_group",
        age_min=10,
        age_max=18,
        **counts,
    )


def place_youth(
    api_client_for: Client, cast: Cast, make_referral: MakeReferral, location: Location
) -> Placement:
    """Offer, accept and place today, through the API: the place ends up occupied."""
    referral = make_referral()
    response = api_client_for(cast.coordinator).post(
        f"/api/v1/referrals/{referral.pk}/offers/", {"location": location.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    offer = Offer.objects.get(referral=referral)
    provider = api_client_for(cast.provider_a)
    assert provider.post(f"/api/v1/offers/{offer.pk}/accept/").status_code == 200
    response = provider.post(
        f"/api/v1/offers/{offer.pk}/place/",
        {
            "start_date": timezone.localdate().isoformat(),
            "school": {"name": "Het Lyceum", "handover": "Mentor belt de nieuwe school."},
            "school_transport": {"arrangement": "taxi", "funded_by": "municipality"},
            "intake_contact": "J. Intaker, 030-1234567",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    return Placement.objects.get(offer=offer)


def counts(location: Location) -> tuple[int, int, int, int]:
    location.refresh_from_db()
    return (
        location.total_places,
        location.free_places,
        location.held_places,
        location.occupied_places,
    )


# --- point 3: a provider cannot free a place a youth lives in ---------------------------------


def test_the_issue_reproduction_patch_6_with_5_occupied_is_400(
    api_client_for: Client, cast: Cast, make_referral: MakeReferral
) -> None:
    location = fitting_location(cast, total_places=6, free_places=6, occupied_places=0)
    placements = [place_youth(api_client_for, cast, make_referral, location) for _ in range(5)]
    assert counts(location) == (6, 1, 0, 5)
    assert Placement.objects.filter(location=location, status="active").count() == 5
    events = CapacityEvent.objects.filter(location=location).count()
    provider = api_client_for(cast.provider_a)

    response = provider.patch(
        f"/api/v1/locations/{location.pk}/", {"free_places": 6}, format="json"
    )
    assert response.status_code == 400
    message = response.json()["errors"]["free_places"][0]
    assert message == (
        "Meer dan 1 vrije plaatsen kan niet: de locatie heeft 6 plaatsen, waarvan 5 bezet "
        "(lopende plaatsingen) en 0 gereserveerd."
    )
    assert counts(location) == (6, 1, 0, 5)  # nothing changed
    assert CapacityEvent.objects.filter(location=location).count() == events

    # Fewer free places are allowed: the place becomes "niet beschikbaar", not occupied.
    response = provider.patch(
        f"/api/v1/locations/{location.pk}/", {"free_places": 0}, format="json"
    )
    assert response.status_code == 200
    assert counts(location) == (6, 0, 0, 5)
    assert location.unavailable_places == 1

    # The placement can still be ended: its place is free again.
    response = provider.post(
        f"/api/v1/placements/{placements[0].pk}/end/",
        {
            "end_date": timezone.localdate().isoformat(),
            "reason": "planned_outflow",
            "outflow": "lighter_care",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert counts(location) == (6, 1, 0, 4)
    response = provider.patch(
        f"/api/v1/locations/{location.pk}/", {"free_places": 2}, format="json"
    )
    assert response.status_code == 200  # the unavailable place is offered again
    assert counts(location) == (6, 2, 0, 4)


@pytest.mark.parametrize("who", ["provider_b", "coordinator", "referrer"])
def test_others_cannot_patch_free_places(api_client_for: Client, cast: Cast, who: str) -> None:
    location = fitting_location(cast, total_places=6, free_places=1, occupied_places=0)
    response = api_client_for(cast.all_users()[who]).patch(
        f"/api/v1/locations/{location.pk}/", {"free_places": 2}, format="json"
    )
    assert response.status_code == 404
    assert counts(location) == (6, 1, 0, 0)


def test_a_smaller_total_drops_unavailable_places_before_free_ones(cast: Cast) -> None:
    location = fitting_location(cast, total_places=8, free_places=3, occupied_places=2)
    location_set_free_places(location=location, free_places=1, by=cast.provider_a)
    assert location.unavailable_places == 5
    location_update_profile(location=location, by=cast.provider_a, total_places=4)
    assert counts(location) == (4, 1, 0, 2)  # 4 unavailable places gone, the free one kept
    location_update_profile(location=location, by=cast.provider_a, total_places=2)
    assert counts(location) == (2, 0, 0, 2)
    location_update_profile(location=location, by=cast.provider_a, total_places=5)
    assert counts(location) == (5, 3, 0, 2)  # added places are free


def test_the_migration_makes_occupied_the_active_placements(
    api_client_for: Client, cast: Cast, make_referral: MakeReferral
) -> None:
    """Rows left by the old rule: occupied drifted to 0 with 2 youths placed, or counts
    youths without a placement. The migration's data step reconciles both."""
    drifted = fitting_location(cast, total_places=6, free_places=6, occupied_places=0)
    place_youth(api_client_for, cast, make_referral, drifted)
    place_youth(api_client_for, cast, make_referral, drifted)
    Location.objects.filter(pk=drifted.pk).update(free_places=6, occupied_places=0)
    extra = fitting_location(cast, total_places=6, free_places=1, occupied_places=5)
    migration = importlib.import_module("capacity.migrations.0004_occupied_are_placements")
    with connection.schema_editor(atomic=False) as editor:
        migration.occupied_from_placements(apps, editor)
    assert counts(drifted) == (6, 4, 0, 2)
    assert counts(extra) == (6, 1, 0, 0)
    assert extra.unavailable_places == 5
    last = CapacityEvent.objects.filter(location=drifted).order_by("-id").first()
    assert last is not None and last.reason == "correction"
    assert (last.free_before, last.occupied_before, last.free_after, last.occupied_after) == (
        6,
        0,
        4,
        2,
    )


# --- point 14: one freed place, one alert per coordinator -------------------------------------


@pytest.mark.django_db(transaction=True)
def test_ten_waiting_referrals_get_one_notification_in_waiting_order(
    cast: Cast, make_referral: MakeReferral
) -> None:
    location = fitting_location(cast, total_places=4, free_places=0, occupied_places=0)
    waiting = [make_referral(status=Referral.Status.WAITING) for _ in range(10)]
    now = timezone.now()
    # waiting since: a different moment for each, not in creation order
    for index, referral in enumerate(waiting):
        since = now - timedelta(days=(index * 7) % 10 + 1)
        Referral.objects.filter(pk=referral.pk).update(status_changed_at=since)
    longest_first = [
        r.code
        for r in Referral.objects.filter(pk__in=[r.pk for r in waiting]).order_by(
            "status_changed_at"
        )
    ]
    assert longest_first != [r.code for r in waiting]
    make_referral(status=Referral.Status.WAITING, care_forms=["family_home"])  # does not fit

    location_adjust_free_places(location=location, delta=+1, by=cast.provider_a)

    notes = list(Notification.objects.filter(kind="waiting.fitting_place"))
    assert [n.recipient_id for n in notes] == [cast.coordinator.pk]
    message = notes[0].message
    assert message.startswith(f"{location.name} heeft nu 1 vrije plaats. ")
    assert "1 vrije plaatsen" not in message
    listed = message.split(": ", 1)[1].rstrip(".").split(", ")
    assert listed == longest_first
    assert "10 verzoeken" in message
    assert "Zwaantje" not in message and "Quirijnsdochter" not in message
    assert notes[0].link == reverse("placement:waiting-list")
    assert any("heeft nu 1 vrije plaats." in m.body for m in mail.outbox)

    # The job runs again (retry, second worker): still one notification.
    assert placement_services.waiting_list_watch(location_id=location.pk) == 0
    assert Notification.objects.filter(kind="waiting.fitting_place").count() == 1

    # A next freeing is a new event: one new notification, plural text.
    location_adjust_free_places(location=location, delta=+1, by=cast.provider_a)
    latest = Notification.objects.filter(kind="waiting.fitting_place").order_by("-id").first()
    assert latest is not None
    assert Notification.objects.filter(kind="waiting.fitting_place").count() == 2
    assert latest.message.startswith(f"{location.name} heeft nu 2 vrije plaatsen. ")


def test_one_fitting_referral_is_named_in_the_singular(
    cast: Cast, make_referral: MakeReferral
) -> None:
    location = fitting_location(cast, total_places=4, free_places=3, occupied_places=0)
    referral = make_referral(status=Referral.Status.WAITING)
    assert placement_services.waiting_list_watch(location_id=location.pk) == 1
    note = Notification.objects.get(kind="waiting.fitting_place")
    assert note.message == (
        f"{location.name} heeft nu 3 vrije plaatsen. "
        f"Er wacht 1 verzoek waarbij deze plek past: {referral.code}."
    )
    assert str(referral.pk) in note.link
