"""Placements, waiting for a fitting place, re-placements and the waiting-list watcher."""

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import Client as DjangoClient
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Notification
from capacity.models import Location
from capacity.services import location_adjust_free_places
from placement import services
from placement.models import Offer, Placement
from referrals.models import Referral, YouthIdentity
from tests.accounts.test_notifications import broker_down  # noqa: F401 - fixture
from tests.conftest import Cast
from tests.factories import LocationFactory

Client = Callable[..., APIClient]
TODAY = timezone.localdate


@pytest.fixture
def accepted(api_client_for: Client, cast: Cast, referral: Referral, location_a: Location) -> Offer:
    coordinator = api_client_for(cast.coordinator)
    assert (
        coordinator.post(
            f"/api/v1/referrals/{referral.pk}/offers/", {"location": location_a.pk}, format="json"
        ).status_code
        == 201
    )
    offer = Offer.objects.get()
    assert (
        api_client_for(cast.provider_a).post(f"/api/v1/offers/{offer.pk}/accept/").status_code
        == 200
    )
    offer.refresh_from_db()
    return offer


def place(client: APIClient, offer: Offer, start: date) -> object:
    return client.post(
        f"/api/v1/offers/{offer.pk}/place/",
        {
            "start_date": start.isoformat(),
            "school": {"name": "Het Lyceum", "handover": "Mentor belt de nieuwe school."},
            "school_transport": {"arrangement": "taxi", "funded_by": "municipality"},
            "intake_contact": "J. Intaker, 030-1234567",
        },
        format="json",
    )


def counts(location: Location) -> tuple[int, int, int]:
    location.refresh_from_db()
    return location.free_places, location.held_places, location.occupied_places


def test_placing_today_occupies_the_held_place_at_once(
    api_client_for: Client, cast: Cast, accepted: Offer, location_a: Location
) -> None:
    assert counts(location_a) == (1, 1, 4)
    response = place(api_client_for(cast.coordinator), accepted, TODAY())
    assert response.status_code == 201, response.json()  # type: ignore[attr-defined]
    placement = Placement.objects.get()
    assert placement.status == Placement.Status.ACTIVE
    assert placement.school_name == "Het Lyceum"
    assert placement.transport_funding == "municipality"
    assert counts(location_a) == (1, 0, 5)
    accepted.referral.refresh_from_db()
    assert accepted.referral.status == Referral.Status.PLACED


def test_a_future_start_waits_for_the_daily_job(
    api_client_for: Client, cast: Cast, accepted: Offer, location_a: Location
) -> None:
    start = TODAY() + timedelta(days=3)
    assert place(api_client_for(cast.provider_a), accepted, start).status_code == 201
    assert Placement.objects.get().status == Placement.Status.PLANNED
    assert counts(location_a) == (1, 1, 4)
    assert services.placements_start_due(today=start - timedelta(days=1)) == 0
    assert services.placements_start_due(today=start) == 1
    assert services.placements_start_due(today=start) == 0  # idempotent
    assert counts(location_a) == (1, 0, 5)


def test_placing_twice_is_409(api_client_for: Client, cast: Cast, accepted: Offer) -> None:
    client = api_client_for(cast.coordinator)
    assert place(client, accepted, TODAY()).status_code == 201
    assert place(client, accepted, TODAY()).status_code == 409  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"start_date": "gisteren"},
        {"start_date": "2026-02-30"},
        {"start_date": "2026-12-01", "school": 5},
        {"start_date": "2026-12-01", "school": {"color": "blauw"}},
        {"start_date": "2026-12-01", "school_transport": {"funded_by": "de buurman"}},
    ],
)
def test_bad_placement_input_is_400(
    api_client_for: Client, cast: Cast, accepted: Offer, body: dict[str, object]
) -> None:
    response = api_client_for(cast.coordinator).post(
        f"/api/v1/offers/{accepted.pk}/place/", body, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]
    assert Placement.objects.count() == 0


@pytest.mark.parametrize("who", ["provider_b", "referrer", "referrer2", "analyst"])
def test_others_cannot_place_or_end(
    api_client_for: Client, cast: Cast, accepted: Offer, who: str
) -> None:
    client = api_client_for(getattr(cast, who))
    assert place(client, accepted, TODAY()).status_code == 404  # type: ignore[attr-defined]
    assert place(api_client_for(cast.coordinator), accepted, TODAY()).status_code == 201
    placement = Placement.objects.get()
    response = client.post(
        f"/api/v1/placements/{placement.pk}/end/",
        {"end_date": TODAY().isoformat(), "reason": "returned_home"},
        format="json",
    )
    assert response.status_code == 404
    assert client.get("/api/v1/placements/").status_code in (200, 404)
    if client.get("/api/v1/placements/").status_code == 200:
        assert client.get("/api/v1/placements/").json()["results"] == []


@pytest.fixture
def placement(api_client_for: Client, cast: Cast, accepted: Offer) -> Placement:
    assert place(api_client_for(cast.coordinator), accepted, TODAY()).status_code == 201
    return Placement.objects.get()


def end(client: APIClient, placement: Placement, **body: str) -> object:
    return client.post(f"/api/v1/placements/{placement.pk}/end/", body, format="json")


def test_ending_frees_the_place_in_the_same_transaction(
    api_client_for: Client, cast: Cast, placement: Placement, location_a: Location
) -> None:
    response = end(
        api_client_for(cast.provider_a),
        placement,
        end_date=TODAY().isoformat(),
        reason="planned_outflow",
        outflow="lighter_care",
    )
    assert response.status_code == 200, response.json()  # type: ignore[attr-defined]
    assert counts(location_a) == (2, 0, 4)
    placement.refresh_from_db()
    assert (placement.status, placement.end_reason, placement.outflow) == (
        "ended",
        "planned_outflow",
        "lighter_residential",  # the code before issue 21.5, still accepted
    )
    placement.referral.refresh_from_db()
    assert placement.referral.status == Referral.Status.CLOSED


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "returned_home"}, "end_date"),
        ({"end_date": "2026-01-01", "reason": "returned_home"}, "end_date"),  # before start
        ({"end_date": "2999-01-01", "reason": "returned_home"}, "end_date"),  # in the future
        ({"end_date": "TODAY", "reason": "verhuisd"}, "reason"),
        ({"end_date": "TODAY", "reason": "planned_outflow"}, "outflow"),
        ({"end_date": "TODAY", "reason": "other"}, "note"),
    ],
)
def test_bad_end_input_is_400_and_keeps_the_place(
    api_client_for: Client,
    cast: Cast,
    placement: Placement,
    location_a: Location,
    body: dict[str, str],
    field: str,
) -> None:
    body = {k: (TODAY().isoformat() if v == "TODAY" else v) for k, v in body.items()}
    response = end(api_client_for(cast.coordinator), placement, **body)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert field in response.json()["errors"]  # type: ignore[attr-defined]
    assert counts(location_a) == (1, 0, 5)


def test_a_replacement_opens_a_linked_referral_for_the_same_youth(
    api_client_for: Client,
    cast: Cast,
    placement: Placement,
    location_a: Location,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = end(
            api_client_for(cast.coordinator),
            placement,
            end_date=TODAY().isoformat(),
            reason="replacement",
            note="Escalaties op de groep.",
        )
    assert response.status_code == 200
    body = response.json()  # type: ignore[attr-defined]
    placement.refresh_from_db()
    new = placement.next_referral
    assert new is not None
    assert body["next_referral"] == new.code
    assert new.status == Referral.Status.DRAFT
    assert new.previous_placements == placement.referral.previous_placements + 1
    assert new.current_analysis is not None
    assert new.current_analysis.needed_care_forms == ["treatment_group", "small_scale_home"]
    old_youth = YouthIdentity.objects.get(pk=placement.referral.youth_id)
    assert new.youth.bsn == old_youth.bsn and new.youth.pk != old_youth.pk
    assert counts(location_a) == (2, 0, 4)
    told = Notification.objects.filter(kind="placement.replacement")
    assert {n.recipient_id for n in told} == {cast.coordinator.pk, cast.referrer.pk}
    for message in [n.message for n in told] + [m.body for m in mail.outbox]:
        assert "Quirijnsdochter" not in message and "111222333" not in message


def test_the_chain_of_moves_can_be_followed(
    api_client_for: Client, cast: Cast, placement: Placement
) -> None:
    end(
        api_client_for(cast.coordinator),
        placement,
        end_date=TODAY().isoformat(),
        reason="replacement",
    )
    placement.refresh_from_db()
    second = placement.next_referral
    assert second is not None
    assert second.previous_placement == placement  # reverse link: where it came from


# --- waiting ----------------------------------------------------------------------------------


def test_waiting_needs_interim_support_and_no_open_offer(
    api_client_for: Client, cast: Cast, referral: Referral, location_a: Location
) -> None:
    client = api_client_for(cast.coordinator)
    path = f"/api/v1/referrals/{referral.pk}/wait/"
    response = client.post(path, {"interim_support": "  "}, format="json")
    assert response.status_code == 400
    assert "interim_support" in response.json()["errors"]
    client.post(
        f"/api/v1/referrals/{referral.pk}/offers/", {"location": location_a.pk}, format="json"
    )
    assert client.post(path, {"interim_support": "Ambulant"}, format="json").status_code == 409


def test_waiting_then_resolved_at_home(
    api_client_for: Client, cast: Cast, referral: Referral
) -> None:
    client = api_client_for(cast.coordinator)
    response = client.post(
        f"/api/v1/referrals/{referral.pk}/wait/",
        {"interim_support": "Gezinsbehandeling thuis, 2x per week.", "ambulant_support": True},
        format="json",
    )
    assert response.status_code == 200
    referral.refresh_from_db()
    assert referral.status == Referral.Status.WAITING
    assert referral.ambulant_support
    response = client.post(
        f"/api/v1/referrals/{referral.pk}/close/", {"outcome": "resolved_at_home"}, format="json"
    )
    assert response.status_code == 200
    referral.refresh_from_db()
    assert (referral.status, referral.close_outcome) == ("closed", "resolved_at_home")


@pytest.mark.parametrize("who", ["referrer", "provider_a", "analyst"])
def test_only_coordinators_put_referrals_on_waiting(
    api_client_for: Client, cast: Cast, referral: Referral, who: str
) -> None:
    response = api_client_for(getattr(cast, who)).post(
        f"/api/v1/referrals/{referral.pk}/wait/", {"interim_support": "x"}, format="json"
    )
    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_freed_fitting_place_notifies_once_per_waiting_referral(
    cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    full = LocationFactory(
        provider=cast.provider_a_org,
        municipality=cast.municipality,
        regions=[cast.region],
        care_form="treatment_group",
        total_places=4,
        free_places=0,
        occupied_places=0,  # four places not available: nobody lives there
    )
    fits = make_referral(status=Referral.Status.WAITING)
    does_not_fit = make_referral(status=Referral.Status.WAITING, care_forms=["family_home"])
    make_referral(status=Referral.Status.MATCHING)  # not waiting: not the watcher's business

    # The provider frees a place; the watcher runs after commit, as a (here eager) job.
    location_adjust_free_places(location=full, delta=+1, by=cast.provider_a)
    notes = Notification.objects.filter(kind="waiting.fitting_place")
    assert [n.recipient_id for n in notes] == [cast.coordinator.pk]
    assert fits.code in notes[0].message
    assert does_not_fit.code not in notes[0].message

    # The job runs again (retry, second worker): still one notification.
    assert services.waiting_list_watch(location_id=full.pk) == 0
    assert notes.count() == 1


def test_the_watcher_ignores_a_location_without_free_places(
    cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    full = LocationFactory(
        provider=cast.provider_a_org,
        municipality=cast.municipality,
        regions=[cast.region],
        total_places=4,
        free_places=0,
        occupied_places=4,
    )
    make_referral(status=Referral.Status.WAITING)
    assert services.waiting_list_watch(location_id=full.pk) == 0


# --- the 18-/18+ transition -------------------------------------------------------------------


def test_turning_18_within_six_months_is_flagged(
    api_client_for: Client, cast: Cast, make_referral: Callable[..., Referral], location_a: Location
) -> None:
    start = TODAY() + timedelta(days=14)
    nearly_18 = make_referral(
        birth_date=date(start.year - 18, start.month, 1) + timedelta(days=120),
        requested_start=start,
    )
    location_a.age_max = 18
    location_a.save()
    client = api_client_for(cast.coordinator)
    response = client.get(f"/api/v1/referrals/{nearly_18.pk}/candidates/")
    assert response["X-Turning-18-Soon"] == "1"
    browser = DjangoClient()
    browser.force_login(cast.coordinator)
    page = browser.get(f"/placement/verzoeken/{nearly_18.pk}/matching/")
    assert 'data-testid="turning-18"' in page.content.decode()


def test_a_younger_youth_is_not_flagged(
    api_client_for: Client, cast: Cast, referral: Referral
) -> None:
    response = api_client_for(cast.coordinator).get(f"/api/v1/referrals/{referral.pk}/candidates/")
    assert "X-Turning-18-Soon" not in response


# --- broker down during accept ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_broker_down_during_accept_loses_nothing(
    api_client_for: Client,
    cast: Cast,
    referral: Referral,
    location_a: Location,
    broker_down: None,  # noqa: F811
) -> None:
    offer = Offer.objects.create(
        referral=referral,
        location=location_a,
        provider=cast.provider_a_org,
        sent_by=cast.coordinator,
        deadline=timezone.now() + timedelta(days=5),
    )
    Referral.objects.filter(pk=referral.pk).update(status=Referral.Status.OFFERED)
    response = api_client_for(cast.provider_a).post(f"/api/v1/offers/{offer.pk}/accept/")
    assert response.status_code == 200  # the action succeeds without a broker
    assert counts(location_a) == (1, 1, 4)
    stored = Notification.objects.filter(kind="offer.accepted")
    assert stored.count() == 2 and all(n.emailed_at is None for n in stored)
    assert mail.outbox == []

    from accounts.tasks import send_pending_notification_emails

    assert send_pending_notification_emails.apply().get() == 2  # the broker is back
    assert send_pending_notification_emails.apply().get() == 0
    assert len(mail.outbox) == 2
