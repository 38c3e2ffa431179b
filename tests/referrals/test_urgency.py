"""Urgency on every request (issue 21, point 1): the field, its bad input, and the shorter
answer deadline of offers for urgent and crisis requests."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from placement import services as placement_services
from placement.deadlines import AMSTERDAM, offer_deadline, offer_working_days
from referrals.models import Referral
from referrals.services import referral_start_matching
from tests.conftest import Cast
from tests.factories import LocationFactory
from tests.referrals.conftest import complete_payload

pytestmark = pytest.mark.django_db
ApiClient = Callable[[User | None], APIClient]


def test_urgency_defaults_to_planned(cast: Cast, api_client_for: ApiClient) -> None:
    created = api_client_for(cast.referrer).post(
        "/api/v1/referrals/", complete_payload(), format="json"
    )
    assert created.status_code == 201
    body = api_client_for(cast.referrer).get(f"/api/v1/referrals/{created.json()['id']}/").json()
    assert body["urgency"] == "planned"
    assert body["documents_due_on"] is None


@pytest.mark.parametrize("value", ["spoed", "", None, 3])
def test_unknown_urgency_is_400_naming_the_field(
    cast: Cast, api_client_for: ApiClient, value: Any
) -> None:
    response = api_client_for(cast.referrer).post(
        "/api/v1/referrals/", complete_payload(urgency=value), format="json"
    )
    assert response.status_code == 400
    assert "urgency" in response.json()["errors"]
    assert not Referral.objects.exists()


def test_patch_bad_urgency_changes_nothing(
    cast: Cast, api_client_for: ApiClient, make_referral: Any
) -> None:
    referral = make_referral(urgency="urgent")
    response = api_client_for(cast.referrer).patch(
        f"/api/v1/referrals/{referral.pk}/",
        {"urgency": "heel erg", "care_question": "Anders"},
        format="json",
    )
    assert response.status_code == 400
    assert "urgency" in response.json()["errors"]
    referral.refresh_from_db()
    assert referral.urgency == "urgent"
    assert referral.care_question != "Anders"


@pytest.mark.parametrize("who", ["coordinator", "provider_a", "analyst", "referrer2"])
def test_only_the_referrer_sets_urgency(
    cast: Cast, api_client_for: ApiClient, make_referral: Any, who: str
) -> None:
    referral = make_referral()
    response = api_client_for(getattr(cast, who)).patch(
        f"/api/v1/referrals/{referral.pk}/", {"urgency": "crisis"}, format="json"
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.urgency == "planned"


def test_offer_working_days_per_urgency(settings: Any) -> None:
    settings.OFFER_DEADLINE_WORKING_DAYS = 5
    settings.URGENT_OFFER_DEADLINE_WORKING_DAYS = 1
    assert offer_working_days("planned") == 5
    assert offer_working_days("urgent") == 1
    assert offer_working_days("crisis") == 1


@pytest.mark.parametrize(("urgency", "days"), [("planned", 5), ("urgent", 1), ("crisis", 1)])
def test_offer_deadline_follows_urgency(
    cast: Cast, make_referral: Any, settings: Any, urgency: str, days: int
) -> None:
    settings.OFFER_DEADLINE_WORKING_DAYS = 5
    settings.URGENT_OFFER_DEADLINE_WORKING_DAYS = 1
    referral = make_referral(submit=True, urgency=urgency, crisis_reason="Thuis onveilig.")
    referral_start_matching(referral=referral, by=cast.coordinator)
    location = LocationFactory(
        provider=cast.provider_a_org,
        municipality=cast.municipality,
        regions=[cast.region],
        care_form="treatment_group",
        expertise=["youth_parenting", "mental_health"],
        age_min=10,
        age_max=18,
    )
    # Thursday before Easter 2026: Good Friday and Easter Monday are no working days.
    sent = datetime(2026, 4, 2, 10, 0, tzinfo=AMSTERDAM)
    offer = placement_services.offer_send(
        referral=referral, location=location, by=cast.coordinator, at=sent
    )
    assert offer.deadline == offer_deadline(sent, days)
    expected = date(2026, 4, 7) if days == 1 else date(2026, 4, 13)
    assert offer.deadline.astimezone(AMSTERDAM).date() == expected


def test_urgency_in_the_browser_form(cast: Cast, make_referral: Any) -> None:
    referral = make_referral()
    client = Client()
    client.force_login(cast.referrer)
    page = client.get(reverse("referrals:edit", args=[referral.pk, "situation"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="urgency"' in html
    assert 'data-testid="crisis-fields"' in html
