"""The handover (issue 20, point 7): after acceptance the provider sees the referrer's
contact and proposes an intake date; coordinator and referrer are told and see it."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Notification, User
from capacity.models import Location
from placement import services
from placement.models import Offer
from referrals.models import Referral
from tests.conftest import Cast

pytestmark = pytest.mark.django_db
ApiClient = Callable[[User | None], APIClient]


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def offer(cast: Cast, referral: Referral, location_a: Location) -> Offer:
    return services.offer_send(referral=referral, location=location_a, by=cast.coordinator)


@pytest.fixture
def accepted(cast: Cast, offer: Offer) -> Offer:
    cast.referrer.first_name, cast.referrer.last_name = "Rianne", "Verwijs"
    cast.referrer.phone = "033-1234567"
    cast.referrer.email = "rianne@wijkteam.example"
    cast.referrer.save()
    return services.offer_accept(offer=offer, by=cast.provider_a)


def url(offer: Offer) -> str:
    return f"/api/v1/offers/{offer.pk}/intake-proposal/"


def test_the_provider_sees_the_referrer_contact_only_after_acceptance(
    cast: Cast, offer: Offer
) -> None:
    cast.referrer.phone = "033-1234567"
    cast.referrer.save()
    html = client_for(cast.provider_a).get(f"/placement/voorstellen/{offer.pk}/").content.decode()
    assert "033-1234567" not in html and 'data-testid="handover"' not in html
    services.offer_accept(offer=offer, by=cast.provider_a)
    html = client_for(cast.provider_a).get(f"/placement/voorstellen/{offer.pk}/").content.decode()
    assert 'data-testid="referrer-contact"' in html
    assert "033-1234567" in html and cast.referrer.email in html
    assert "Intakedatum voorstellen" in html


def test_the_provider_proposes_an_intake_date(
    cast: Cast, accepted: Offer, api_client_for: ApiClient
) -> None:
    day = timezone.localdate() + timedelta(days=3)
    response = api_client_for(cast.provider_a).post(
        url(accepted),
        {"intake_date": day.isoformat(), "note": "Graag met de mentor."},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["intake_proposed_on"] == day.isoformat()
    accepted.refresh_from_db()
    assert accepted.intake_proposed_on == day and accepted.intake_proposed_by == cast.provider_a
    told = set(
        Notification.objects.filter(kind="offer.intake_proposed").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"coordinator", "referrer"}
    message = Notification.objects.filter(kind="offer.intake_proposed").first().message  # type: ignore[union-attr]
    assert "Zwaantje" not in message and accepted.referral.code in message
    # The coordinator and the referrer see it on the referral's conversation section.
    for user in (cast.coordinator, cast.referrer):
        html = client_for(user).get(f"/gesprekken/verzoek/{accepted.referral_id}/").content.decode()
        assert 'data-testid="intake-proposal"' in html and "Graag met de mentor." in html


def test_the_page_form_proposes_too(cast: Cast, accepted: Offer) -> None:
    day = timezone.localdate() + timedelta(days=2)
    response = client_for(cast.provider_a).post(
        f"/placement/voorstellen/{accepted.pk}/intake/", {"intake_date": day.isoformat()}
    )
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.intake_proposed_on == day


def test_the_page_form_keeps_what_was_typed_on_a_bad_date(cast: Cast, accepted: Offer) -> None:
    """Walkthrough W2: a date in the past came back as a flash message above an empty form;
    now the page shows the error at the field, naming it, with the date and note kept."""
    day = timezone.localdate() - timedelta(days=3)
    response = client_for(cast.provider_a).post(
        f"/placement/voorstellen/{accepted.pk}/intake/",
        {"intake_date": day.isoformat(), "note": "Graag in de ochtend."},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="error-summary"' in html
    assert "Voorgestelde intakedatum: De intakedatum ligt in het verleden." in html
    assert f'value="{day.isoformat()}"' in html
    assert "Graag in de ochtend." in html
    accepted.refresh_from_db()
    assert accepted.intake_proposed_on is None


@pytest.mark.parametrize(
    ("days", "field", "message"),
    [
        (-1, "intake_date", "verleden"),
        (settings.PLACEMENT_START_MAX_DAYS_AHEAD + 1, "intake_date", "te ver vooruit"),
    ],
)
def test_it_refuses_a_bad_date_naming_the_field(
    cast: Cast, accepted: Offer, api_client_for: ApiClient, days: int, field: str, message: str
) -> None:
    day = timezone.localdate() + timedelta(days=days)
    response = api_client_for(cast.provider_a).post(
        url(accepted), {"intake_date": day.isoformat()}, format="json"
    )
    assert response.status_code == 400
    assert message in " ".join(response.json()["errors"][field])
    accepted.refresh_from_db()
    assert accepted.intake_proposed_on is None


def test_it_refuses_a_bad_note(cast: Cast, accepted: Offer, api_client_for: ApiClient) -> None:
    day = timezone.localdate() + timedelta(days=1)
    response = api_client_for(cast.provider_a).post(
        url(accepted), {"intake_date": day.isoformat(), "note": "a\u0007b"}, format="json"
    )
    assert response.status_code == 400
    assert "note" in response.json()["errors"]


def test_not_before_acceptance(cast: Cast, offer: Offer, api_client_for: ApiClient) -> None:
    day = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = api_client_for(cast.provider_a).post(url(offer), {"intake_date": day}, format="json")
    assert response.status_code == 400
    assert "na acceptatie" in " ".join(response.json()["errors"]["intake_date"])
    page = client_for(cast.provider_a).post(
        f"/placement/voorstellen/{offer.pk}/intake/", {"intake_date": day}
    )
    assert page.status_code == 404
    offer.refresh_from_db()
    assert offer.intake_proposed_on is None


@pytest.mark.parametrize("who", ["provider_b", "coordinator", "referrer", "analyst"])
def test_it_requires_the_offer_provider(
    cast: Cast, accepted: Offer, api_client_for: ApiClient, who: str
) -> None:
    day = (timezone.localdate() + timedelta(days=1)).isoformat()
    user = cast.all_users()[who]
    assert (
        api_client_for(user).post(url(accepted), {"intake_date": day}, format="json").status_code
        == 404
    )
    page = client_for(user).post(
        f"/placement/voorstellen/{accepted.pk}/intake/", {"intake_date": day}
    )
    assert page.status_code == 404
    accepted.refresh_from_db()
    assert accepted.intake_proposed_on is None


def test_the_placement_page_shows_the_proposed_date(cast: Cast, accepted: Offer) -> None:
    day = timezone.localdate() + timedelta(days=2)
    services.offer_propose_intake(offer=accepted, by=cast.provider_a, intake_date=day)
    placement = services.placement_record(
        offer=accepted, by=cast.coordinator, start_date=timezone.localdate() + timedelta(days=5)
    )
    for user in (cast.coordinator, cast.provider_a):
        html = client_for(user).get(f"/placement/plaatsingen/{placement.pk}/").content.decode()
        assert 'data-testid="intake-proposal"' in html
