"""Placements at risk (issue 21.4): flag, support, outcome; scope and bad input."""

import threading
from collections.abc import Callable

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client as DjangoClient
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Notification
from capacity.models import Location
from placement import services
from placement.models import Offer, Placement, PlacementRisk
from referrals.models import Referral
from tests.conftest import Cast
from tests.placement.conftest import CANARY_STRINGS
from tests.placement.test_placements import end, place

Client = Callable[..., APIClient]
TODAY = timezone.localdate


@pytest.fixture
def accepted(api_client_for: Client, cast: Cast, referral: Referral, location_a: Location) -> Offer:
    """An offer of `referral` to location A, accepted by provider A."""
    coordinator = api_client_for(cast.coordinator)
    sent = coordinator.post(
        f"/api/v1/referrals/{referral.pk}/offers/", {"location": location_a.pk}, format="json"
    )
    assert sent.status_code == 201
    offer = Offer.objects.get()
    assert (
        api_client_for(cast.provider_a).post(f"/api/v1/offers/{offer.pk}/accept/").status_code
        == 200
    )
    return offer


@pytest.fixture
def placement(api_client_for: Client, cast: Cast, accepted: Offer) -> Placement:
    """An active placement (started today) at location A."""
    assert place(api_client_for(cast.coordinator), accepted, TODAY()).status_code == 201  # type: ignore[attr-defined]
    return Placement.objects.get()


def flag(client: APIClient, placement: Placement, **body: object) -> object:
    return client.post(f"/api/v1/placements/{placement.pk}/risk/", body, format="json")


def update(client: APIClient, placement: Placement, **body: object) -> object:
    return client.patch(f"/api/v1/placements/{placement.pk}/risk/", body, format="json")


def test_the_provider_flags_and_the_coordinators_hear_the_code_only(
    api_client_for: Client, cast: Cast, placement: Placement
) -> None:
    response = flag(
        api_client_for(cast.provider_a), placement, reason="behaviour", note="Escalaties."
    )
    assert response.status_code == 201, response.json()  # type: ignore[attr-defined]
    assert response.json()["outcome"] is None  # type: ignore[attr-defined]
    risk = PlacementRisk.objects.get()
    assert (risk.reason, risk.flagged_by, risk.closed_at) == ("behaviour", cast.provider_a, None)
    note = Notification.objects.get(kind="placement.at_risk", recipient=cast.coordinator)
    assert placement.referral.code in note.message
    assert not any(canary in note.message for canary in CANARY_STRINGS)


def test_a_second_open_flag_is_a_conflict(
    api_client_for: Client, cast: Cast, placement: Placement
) -> None:
    assert flag(api_client_for(cast.coordinator), placement, reason="safety").status_code == 201  # type: ignore[attr-defined]
    response = flag(api_client_for(cast.provider_a), placement, reason="school")
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert PlacementRisk.objects.count() == 1


def test_the_database_holds_one_open_risk_per_placement(cast: Cast, placement: Placement) -> None:
    PlacementRisk.objects.create(placement=placement, flagged_by=cast.coordinator, reason="other")
    with pytest.raises(IntegrityError), transaction.atomic():
        PlacementRisk.objects.create(
            placement=placement, flagged_by=cast.coordinator, reason="safety"
        )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "bored"}, "reason"),
        ({}, "reason"),
        ({"reason": "other", "note": "  "}, "note"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    api_client_for: Client, cast: Cast, placement: Placement, body: dict[str, str], field: str
) -> None:
    response = flag(api_client_for(cast.provider_a), placement, **body)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert field in response.json()["errors"]  # type: ignore[attr-defined]
    assert not PlacementRisk.objects.exists()
    assert not Notification.objects.filter(kind="placement.at_risk").exists()


@pytest.mark.parametrize("who", ["provider_b", "referrer", "analyst", "admin"])
def test_it_requires_the_placements_provider_or_coordinator(
    api_client_for: Client, cast: Cast, placement: Placement, who: str
) -> None:
    client = api_client_for(getattr(cast, who))
    assert flag(client, placement, reason="behaviour").status_code == 404  # type: ignore[attr-defined]
    assert update(client, placement, outcome="prevented").status_code == 404  # type: ignore[attr-defined]
    assert not PlacementRisk.objects.exists()


def test_only_the_coordinator_records_support_and_outcome(
    api_client_for: Client, cast: Cast, placement: Placement
) -> None:
    provider, coordinator = api_client_for(cast.provider_a), api_client_for(cast.coordinator)
    assert flag(provider, placement, reason="mismatch").status_code == 201  # type: ignore[attr-defined]
    assert update(provider, placement, support=["mobile_team"]).status_code == 404  # type: ignore[attr-defined]
    response = update(coordinator, placement, support=["mobile_team", "consultation"])
    assert response.status_code == 200, response.json()  # type: ignore[attr-defined]
    assert response.json()["support"] == ["mobile_team", "consultation"]  # type: ignore[attr-defined]
    response = update(coordinator, placement, outcome="prevented", support_note="Twee weken extra.")
    assert response.status_code == 200  # type: ignore[attr-defined]
    risk = PlacementRisk.objects.get()
    assert (risk.outcome, risk.support, risk.closed_by) == (
        "prevented",
        ["mobile_team", "consultation"],
        cast.coordinator,
    )
    # closed: a new flag may follow
    assert flag(provider, placement, reason="family").status_code == 201  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("body", "field"),
    [({"support": ["helicopter"]}, "support"), ({"outcome": "replacement"}, "outcome")],
)
def test_bad_support_or_outcome_names_the_field(
    api_client_for: Client, cast: Cast, placement: Placement, body: dict[str, object], field: str
) -> None:
    coordinator = api_client_for(cast.coordinator)
    assert flag(coordinator, placement, reason="mismatch").status_code == 201  # type: ignore[attr-defined]
    response = update(coordinator, placement, **body)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert any(key.startswith(field) for key in response.json()["errors"])  # type: ignore[attr-defined]
    risk = PlacementRisk.objects.get()
    assert (risk.support, risk.outcome, risk.closed_at) == ([], "", None)


def test_only_an_active_placement_can_be_flagged(
    api_client_for: Client,
    cast: Cast,
    accepted: Offer,
) -> None:
    from datetime import timedelta

    coordinator = api_client_for(cast.coordinator)
    assert place(coordinator, accepted, TODAY() + timedelta(days=3)).status_code == 201  # type: ignore[attr-defined]
    planned = Placement.objects.get()
    assert flag(coordinator, planned, reason="behaviour").status_code == 409  # type: ignore[attr-defined]


def test_a_replacement_closes_the_open_risk_as_replacement(
    api_client_for: Client, cast: Cast, placement: Placement
) -> None:
    assert flag(api_client_for(cast.provider_a), placement, reason="safety").status_code == 201  # type: ignore[attr-defined]
    response = end(
        api_client_for(cast.coordinator),
        placement,
        end_date=TODAY().isoformat(),
        reason="replacement",
    )
    assert response.status_code == 200, response.json()  # type: ignore[attr-defined]
    risk = PlacementRisk.objects.get()
    assert risk.outcome == PlacementRisk.Outcome.REPLACEMENT
    assert risk.closed_at is not None


def test_the_pages_flag_and_record_support(cast: Cast, placement: Placement) -> None:
    provider = DjangoClient()
    provider.force_login(cast.provider_a)
    url = f"/placement/plaatsingen/{placement.pk}/"
    page = provider.get(url)
    assert 'data-testid="risk-form"' in page.content.decode()
    bad = provider.post(f"{url}gevaar/", {"risk-reason": "other", "risk-note": ""})
    assert bad.status_code == 400
    assert "Een toelichting is verplicht" in bad.content.decode()
    assert not PlacementRisk.objects.exists()
    done = provider.post(f"{url}gevaar/", {"risk-reason": "behaviour"})
    assert done.status_code == 302
    # the provider may not record support
    assert provider.post(
        f"{url}gevaar/ondersteuning/", {"support-outcome": "prevented"}
    ).status_code in (403, 404)
    coordinator = DjangoClient()
    coordinator.force_login(cast.coordinator)
    page = coordinator.get(url).content.decode()
    assert 'data-testid="open-risk"' in page and 'data-testid="risk-update-form"' in page
    done = coordinator.post(
        f"{url}gevaar/ondersteuning/",
        {"support-support": ["outreach_team", "extra_staff"], "support-outcome": "prevented"},
    )
    assert done.status_code == 302
    risk = PlacementRisk.objects.get()
    assert (risk.support, risk.outcome) == (["outreach_team", "extra_staff"], "prevented")
    assert 'data-testid="risk-history"' in coordinator.get(url).content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_flags_make_one_risk(cast: Cast, placement: Placement) -> None:
    """Both pass the "already open?" check only without the row lock and the unique index."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(user: object) -> None:
        try:
            barrier.wait()
            services.placement_flag_risk(placement=placement, by=user, reason="safety")  # type: ignore[arg-type]
            outcomes.append("ok")
        except Exception as exc:  # the loser's error is what we count
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=(user,))
        for user in (cast.coordinator, cast.provider_a)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["Conflict", "ok"]
    assert PlacementRisk.objects.filter(closed_at__isnull=True).count() == 1
