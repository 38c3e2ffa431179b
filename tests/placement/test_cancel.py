"""Cases that fall through (issue 18): cancelling an accepted offer, and a planned placement."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client as DjangoClient
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuditEntry, Notification, Organisation, Role, User
from analyses.models import NeedMatrixRow, ProviderResponseRow, ReplacementRow
from analyses.services import reports_rebuild
from capacity.models import Location
from placement.models import Offer, Placement
from referrals.models import Referral
from tests.conftest import Cast
from tests.factories import OrganisationFactory, UserFactory

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


@pytest.fixture
def planned(api_client_for: Client, cast: Cast, accepted: Offer) -> Placement:
    response = api_client_for(cast.coordinator).post(
        f"/api/v1/offers/{accepted.pk}/place/",
        {"start_date": (TODAY() + timedelta(days=5)).isoformat()},
        format="json",
    )
    assert response.status_code == 201, response.json()
    placement = Placement.objects.get()
    assert placement.status == Placement.Status.PLANNED
    return placement


@pytest.fixture
def other_coordinator(cast: Cast) -> User:
    """A coordinator of the other region: sees none of this region's referrals."""
    elsewhere = OrganisationFactory(
        name="Coördinatiepunt Elders",
        kind=Organisation.Kind.COORDINATION_POINT,
        regions=[cast.other_region],
    )
    return UserFactory(username="coordinator_elders", role=Role.COORDINATOR, organisation=elsewhere)


def counts(location: Location) -> tuple[int, int, int]:
    location.refresh_from_db()
    return location.free_places, location.held_places, location.occupied_places


def cancel_acceptance(
    client: APIClient, offer: Offer, reason: str = "Jongere gaat toch naar huis."
) -> object:
    return client.post(
        f"/api/v1/offers/{offer.pk}/cancel-acceptance/", {"reason": reason}, format="json"
    )


def cancel_placement(
    client: APIClient, placement: Placement, reason: str = "Intake ging niet door."
) -> object:
    return client.post(
        f"/api/v1/placements/{placement.pk}/cancel/", {"reason": reason}, format="json"
    )


def outsiders(cast: Cast, other_coordinator: User) -> dict[str, User]:
    return {
        "provider_b": cast.provider_b,
        "referrer": cast.referrer,
        "referrer2": cast.referrer2,
        "analyst": cast.analyst,
        "admin": cast.admin,
        "other_coordinator": other_coordinator,
    }


OUTSIDERS = ["provider_b", "referrer", "referrer2", "analyst", "admin", "other_coordinator"]


# --- cancelling an accepted offer ----------------------------------------------------------


@pytest.mark.parametrize("who", ["provider_a", "coordinator"])
def test_cancelling_an_acceptance_releases_the_place_and_reopens_matching(
    api_client_for: Client, cast: Cast, accepted: Offer, location_a: Location, who: str
) -> None:
    assert counts(location_a) == (1, 1, 4)
    response = cancel_acceptance(api_client_for(getattr(cast, who)), accepted)
    assert response.status_code == 200, response.json()  # type: ignore[attr-defined]
    assert response.json()["status"] == "cancelled"  # type: ignore[attr-defined]
    assert counts(location_a) == (2, 0, 4)
    accepted.refresh_from_db()
    assert accepted.status == Offer.Status.CANCELLED
    assert accepted.cancel_reason == "Jongere gaat toch naar huis."
    assert accepted.cancelled_at is not None
    accepted.referral.refresh_from_db()
    assert accepted.referral.status == Referral.Status.MATCHING
    entry = AuditEntry.objects.filter(action="offer.cancel_acceptance").get()
    assert entry.referral_id == accepted.referral_id
    assert entry.object_id == str(accepted.pk)
    notified = set(
        Notification.objects.filter(kind="offer.acceptance_cancelled").values_list(
            "recipient__username", flat=True
        )
    )
    assert {"coordinator", "provider_a"} <= notified
    # the referral can be offered again
    again = api_client_for(cast.coordinator).post(
        f"/api/v1/referrals/{accepted.referral_id}/offers/",
        {"location": location_a.pk},
        format="json",
    )
    assert again.status_code == 201


@pytest.mark.parametrize("reason", ["", "   "])
def test_cancelling_an_acceptance_needs_a_reason(
    api_client_for: Client, cast: Cast, accepted: Offer, location_a: Location, reason: str
) -> None:
    response = cancel_acceptance(api_client_for(cast.provider_a), accepted, reason)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "reason" in response.json()["errors"]  # type: ignore[attr-defined]
    accepted.refresh_from_db()
    assert accepted.status == Offer.Status.ACCEPTED
    assert counts(location_a) == (1, 1, 4)
    assert not AuditEntry.objects.filter(action="offer.cancel_acceptance").exists()


def test_cancelling_an_open_offer_is_409(
    api_client_for: Client, cast: Cast, referral: Referral, location_a: Location
) -> None:
    client = api_client_for(cast.coordinator)
    sent = client.post(
        f"/api/v1/referrals/{referral.pk}/offers/", {"location": location_a.pk}, format="json"
    )
    assert sent.status_code == 201, sent.json()
    offer = Offer.objects.get()
    response = cancel_acceptance(client, offer)
    assert response.status_code == 409  # type: ignore[attr-defined]
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN


def test_cancelling_twice_is_409(api_client_for: Client, cast: Cast, accepted: Offer) -> None:
    client = api_client_for(cast.provider_a)
    assert cancel_acceptance(client, accepted).status_code == 200  # type: ignore[attr-defined]
    assert cancel_acceptance(client, accepted).status_code == 409  # type: ignore[attr-defined]


def test_cancelling_an_acceptance_after_the_placement_is_409(
    api_client_for: Client, cast: Cast, planned: Placement, location_a: Location
) -> None:
    response = cancel_acceptance(api_client_for(cast.coordinator), planned.offer)
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert "plaatsing" in response.json()["detail"]  # type: ignore[attr-defined]
    planned.refresh_from_db()
    assert planned.status == Placement.Status.PLANNED
    assert planned.offer.status == Offer.Status.ACCEPTED
    assert counts(location_a) == (1, 1, 4)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_cancelling_an_acceptance_outside_scope_is_404(
    api_client_for: Client,
    cast: Cast,
    accepted: Offer,
    location_a: Location,
    other_coordinator: User,
    who: str,
) -> None:
    client = api_client_for(outsiders(cast, other_coordinator)[who])
    assert cancel_acceptance(client, accepted).status_code == 404  # type: ignore[attr-defined]
    assert cancel_acceptance(client, accepted, "").status_code == 404  # type: ignore[attr-defined]
    accepted.refresh_from_db()
    assert accepted.status == Offer.Status.ACCEPTED
    assert counts(location_a) == (1, 1, 4)


def test_provider_cancels_an_acceptance_in_the_browser(
    cast: Cast, accepted: Offer, location_a: Location
) -> None:
    browser = DjangoClient()
    browser.force_login(cast.provider_a)
    detail = browser.get(f"/placement/voorstellen/{accepted.pk}/").content.decode()
    url = f"/placement/voorstellen/{accepted.pk}/acceptatie-annuleren/"
    assert url in detail
    confirm = browser.get(url)
    assert confirm.status_code == 200
    assert 'data-testid="cancel-confirm"' in confirm.content.decode()
    empty = browser.post(url, {"reason": ""})
    assert empty.status_code == 400
    assert 'data-testid="error-summary"' in empty.content.decode()
    assert counts(location_a) == (1, 1, 4)
    done = browser.post(url, {"reason": "Ouders trekken toestemming in."})
    assert done.status_code == 302
    assert done["Location"] == f"/placement/voorstellen/{accepted.pk}/"
    assert counts(location_a) == (2, 0, 4)
    page = browser.get(done["Location"]).content.decode()
    assert "Ouders trekken toestemming in." in page
    assert browser.get(url).status_code == 404  # nothing left to cancel


def test_coordinator_cancels_an_acceptance_from_the_matching_page(
    cast: Cast, accepted: Offer, location_a: Location
) -> None:
    browser = DjangoClient()
    browser.force_login(cast.coordinator)
    matching = f"/placement/verzoeken/{accepted.referral_id}/matching/"
    url = f"/placement/voorstellen/{accepted.pk}/acceptatie-annuleren/"
    assert url in browser.get(matching).content.decode()
    assert browser.get(url).status_code == 200
    done = browser.post(url, {"reason": "Jongere is verhuisd."})
    assert done.status_code == 302
    assert done["Location"] == matching
    accepted.referral.refresh_from_db()
    assert accepted.referral.status == Referral.Status.MATCHING
    assert counts(location_a) == (2, 0, 4)


@pytest.mark.parametrize("who", ["provider_b", "other_coordinator", "referrer", "analyst"])
def test_the_cancel_page_is_404_outside_scope(
    cast: Cast, accepted: Offer, other_coordinator: User, who: str
) -> None:
    browser = DjangoClient()
    browser.force_login(outsiders(cast, other_coordinator)[who])
    url = f"/placement/voorstellen/{accepted.pk}/acceptatie-annuleren/"
    assert browser.get(url).status_code in (403, 404)
    assert browser.post(url, {"reason": "x"}).status_code in (403, 404)
    accepted.refresh_from_db()
    assert accepted.status == Offer.Status.ACCEPTED


# --- cancelling a planned placement ----------------------------------------------------------


@pytest.mark.parametrize("who", ["coordinator", "provider_a"])
def test_cancelling_a_planned_placement_releases_the_place_and_reopens_matching(
    api_client_for: Client, cast: Cast, planned: Placement, location_a: Location, who: str
) -> None:
    assert counts(location_a) == (1, 1, 4)
    response = cancel_placement(api_client_for(getattr(cast, who)), planned)
    assert response.status_code == 200, response.json()  # type: ignore[attr-defined]
    assert response.json()["status"] == "cancelled"  # type: ignore[attr-defined]
    assert counts(location_a) == (2, 0, 4)
    planned.refresh_from_db()
    assert planned.status == Placement.Status.CANCELLED
    assert planned.cancel_reason == "Intake ging niet door."
    assert planned.offer.status == Offer.Status.CANCELLED
    planned.referral.refresh_from_db()
    assert planned.referral.status == Referral.Status.MATCHING
    assert (
        AuditEntry.objects.filter(action="placement.cancel", object_id=str(planned.pk)).count() == 1
    )
    assert Notification.objects.filter(kind="placement.cancelled").exists()
    # the daily job leaves it alone, and it cannot be ended any more
    from placement.services import placements_start_due

    assert placements_start_due(today=TODAY() + timedelta(days=10)) == 0
    end = api_client_for(cast.coordinator).post(
        f"/api/v1/placements/{planned.pk}/end/",
        {"end_date": TODAY().isoformat(), "reason": "returned_home"},
        format="json",
    )
    assert end.status_code in (400, 409)
    assert counts(location_a) == (2, 0, 4)


def test_after_a_cancelled_placement_the_referral_can_be_placed_again(
    api_client_for: Client, cast: Cast, planned: Placement, location_a: Location
) -> None:
    coordinator = api_client_for(cast.coordinator)
    assert cancel_placement(coordinator, planned).status_code == 200  # type: ignore[attr-defined]
    referral_id = planned.referral_id
    assert (
        coordinator.post(
            f"/api/v1/referrals/{referral_id}/offers/", {"location": location_a.pk}, format="json"
        ).status_code
        == 201
    )
    offer = Offer.objects.get(status=Offer.Status.OPEN)
    assert (
        api_client_for(cast.provider_a).post(f"/api/v1/offers/{offer.pk}/accept/").status_code
        == 200
    )
    response = coordinator.post(
        f"/api/v1/offers/{offer.pk}/place/", {"start_date": TODAY().isoformat()}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert Placement.objects.filter(referral_id=referral_id).count() == 2
    assert counts(location_a) == (1, 0, 5)


@pytest.mark.parametrize("reason", ["", "  "])
def test_cancelling_a_placement_needs_a_reason(
    api_client_for: Client, cast: Cast, planned: Placement, location_a: Location, reason: str
) -> None:
    response = cancel_placement(api_client_for(cast.coordinator), planned, reason)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "reason" in response.json()["errors"]  # type: ignore[attr-defined]
    planned.refresh_from_db()
    assert planned.status == Placement.Status.PLANNED
    assert counts(location_a) == (1, 1, 4)


def test_cancelling_an_active_placement_is_409(
    api_client_for: Client, cast: Cast, accepted: Offer, location_a: Location
) -> None:
    client = api_client_for(cast.coordinator)
    client.post(
        f"/api/v1/offers/{accepted.pk}/place/", {"start_date": TODAY().isoformat()}, format="json"
    )
    placement = Placement.objects.get()
    assert placement.status == Placement.Status.ACTIVE
    assert cancel_placement(client, placement).status_code == 409  # type: ignore[attr-defined]
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ACTIVE
    assert counts(location_a) == (1, 0, 5)


def test_cancelling_a_placement_twice_is_409(
    api_client_for: Client, cast: Cast, planned: Placement
) -> None:
    client = api_client_for(cast.coordinator)
    assert cancel_placement(client, planned).status_code == 200  # type: ignore[attr-defined]
    assert cancel_placement(client, planned).status_code == 409  # type: ignore[attr-defined]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_cancelling_a_placement_outside_scope_is_404(
    api_client_for: Client,
    cast: Cast,
    planned: Placement,
    location_a: Location,
    other_coordinator: User,
    who: str,
) -> None:
    client = api_client_for(outsiders(cast, other_coordinator)[who])
    assert cancel_placement(client, planned).status_code == 404  # type: ignore[attr-defined]
    assert cancel_placement(client, planned, "").status_code == 404  # type: ignore[attr-defined]
    planned.refresh_from_db()
    assert planned.status == Placement.Status.PLANNED
    assert counts(location_a) == (1, 1, 4)


def test_coordinator_cancels_a_planned_placement_in_the_browser(
    cast: Cast, planned: Placement, location_a: Location
) -> None:
    browser = DjangoClient()
    browser.force_login(cast.coordinator)
    detail = f"/placement/plaatsingen/{planned.pk}/"
    url = f"/placement/plaatsingen/{planned.pk}/annuleren/"
    assert url in browser.get(detail).content.decode()
    confirm = browser.get(url)
    assert confirm.status_code == 200
    assert 'data-testid="cancel-confirm"' in confirm.content.decode()
    assert browser.post(url, {"reason": ""}).status_code == 400
    assert counts(location_a) == (1, 1, 4)
    done = browser.post(url, {"reason": "Jongere blijft thuis."})
    assert done.status_code == 302
    assert done["Location"] == detail
    page = browser.get(detail).content.decode()
    assert "Jongere blijft thuis." in page
    assert url not in page
    assert counts(location_a) == (2, 0, 4)


def test_provider_sees_its_cancelled_placement_without_the_identity(
    api_client_for: Client, cast: Cast, planned: Placement
) -> None:
    assert cancel_placement(api_client_for(cast.provider_a), planned).status_code == 200  # type: ignore[attr-defined]
    browser = DjangoClient()
    browser.force_login(cast.provider_a)
    page = browser.get(f"/placement/plaatsingen/{planned.pk}/")
    assert page.status_code == 200
    assert "Zwaantje" not in page.content.decode()


# --- reports and the schema ---------------------------------------------------------------------


def test_reports_do_not_count_what_was_cancelled(
    api_client_for: Client, cast: Cast, planned: Placement
) -> None:
    assert cancel_placement(api_client_for(cast.coordinator), planned).status_code == 200  # type: ignore[attr-defined]
    run = reports_rebuild()
    assert run.state == "ok", run
    assert sum(ProviderResponseRow.objects.values_list("accepted", flat=True)) == 0
    assert sum(NeedMatrixRow.objects.values_list("placements", flat=True)) == 0
    assert not ReplacementRow.objects.exists()


def test_the_schema_lists_both_endpoints(api_client_for: Client, cast: Cast) -> None:
    schema = api_client_for(cast.coordinator).get("/api/v1/schema/", {"format": "json"})
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "post" in paths["/api/v1/offers/{offer_id}/cancel-acceptance/"]
    assert "post" in paths["/api/v1/placements/{placement_id}/cancel/"]


# --- races ---------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_cancelling_while_the_placement_is_recorded_lets_exactly_one_win(
    api_client_for: Client, cast: Cast, accepted: Offer, location_a: Location
) -> None:
    from tests.capacity.test_concurrency import run_in_threads

    statuses: dict[str, int] = {}

    def cancel() -> None:
        client = APIClient()
        client.force_authenticate(cast.provider_a)
        statuses["cancel"] = cancel_acceptance(client, accepted).status_code  # type: ignore[attr-defined]

    def place() -> None:
        client = APIClient()
        client.force_authenticate(cast.coordinator)
        statuses["place"] = client.post(
            f"/api/v1/offers/{accepted.pk}/place/",
            {"start_date": (TODAY() + timedelta(days=3)).isoformat()},
            format="json",
        ).status_code

    assert run_in_threads([cancel, place]) == []
    assert sorted(statuses.values()) in ([200, 409], [201, 409])
    accepted.refresh_from_db()
    if statuses["cancel"] == 200:
        assert accepted.status == Offer.Status.CANCELLED
        assert not Placement.objects.exists()
        assert counts(location_a) == (2, 0, 4)
    else:
        assert accepted.status == Offer.Status.ACCEPTED
        assert Placement.objects.get().status == Placement.Status.PLANNED
        assert counts(location_a) == (1, 1, 4)


@pytest.mark.django_db(transaction=True)
def test_two_cancels_at_once_release_the_place_once(
    api_client_for: Client, cast: Cast, accepted: Offer, location_a: Location
) -> None:
    from tests.capacity.test_concurrency import run_in_threads

    statuses: list[int] = []

    def cancel(user: User) -> Callable[[], None]:
        def job() -> None:
            client = APIClient()
            client.force_authenticate(user)
            statuses.append(cancel_acceptance(client, accepted).status_code)  # type: ignore[attr-defined]

        return job

    assert run_in_threads([cancel(cast.provider_a), cancel(cast.coordinator)]) == []
    assert sorted(statuses) == [200, 409]
    assert counts(location_a) == (2, 0, 4)
