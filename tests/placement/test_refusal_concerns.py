"""Issue 23: a refusal names what in the VA made the provider refuse (`refusal_concerns`):
optional, only codes of the request's own VA, only with a reason where it applies."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client as DjangoClient
from rest_framework.test import APIClient

from capacity.models import Location
from placement.models import Offer
from referrals.models import Referral
from tests.conftest import Cast

Client = Callable[..., APIClient]


@pytest.fixture
def offer(
    api_client_for: Client,
    cast: Cast,
    make_referral: Callable[..., Referral],
    location_a: Location,
) -> Offer:
    referral = make_referral(
        expertise=["youth_parenting", "mental_health"], risk_flags=["aggression"]
    )
    location_a.expertise = ["youth_parenting", "mental_health"]
    location_a.save(update_fields=["expertise"])
    response = api_client_for(cast.coordinator).post(
        f"/api/v1/referrals/{referral.pk}/offers/", {"location": location_a.pk}, format="json"
    )
    assert response.status_code == 201
    return Offer.objects.get()


def _refuse(api_client_for: Client, user: Any, offer: Offer, body: dict[str, Any]) -> Any:
    return api_client_for(user).post(f"/api/v1/offers/{offer.pk}/refuse/", body, format="json")


def test_the_api_stores_the_concerns_named(
    api_client_for: Client, cast: Cast, offer: Offer
) -> None:
    response = _refuse(
        api_client_for,
        cast.provider_a,
        offer,
        {"reason": "group_composition", "refusal_concerns": ["aggression", "mental_health"]},
    )
    assert response.status_code == 200
    assert response.json()["refusal_concerns"] == ["aggression", "mental_health"]
    offer.refresh_from_db()
    assert offer.status == Offer.Status.REFUSED
    assert offer.refusal_concerns == ["aggression", "mental_health"]


def test_without_concerns_a_refusal_is_as_before(
    api_client_for: Client, cast: Cast, offer: Offer
) -> None:
    response = _refuse(api_client_for, cast.provider_a, offer, {"reason": "staffing"})
    assert response.status_code == 200
    offer.refresh_from_db()
    assert offer.refusal_concerns == []


@pytest.mark.parametrize(
    "body",
    [
        # Not on this request's VA (a valid code elsewhere).
        {"reason": "safety_risk", "refusal_concerns": ["fire_setting"]},
        {"reason": "safety_risk", "refusal_concerns": ["nonsense"]},
        # A reason where a concern does not apply.
        {"reason": "staffing", "refusal_concerns": ["aggression"]},
        {"reason": "no_capacity", "refusal_concerns": ["mental_health"]},
        # Not a list of codes.
        {"reason": "safety_risk", "refusal_concerns": "aggression"},
        {"reason": "safety_risk", "refusal_concerns": [{"code": "aggression"}]},
    ],
)
def test_bad_concerns_are_400_naming_the_field_and_change_nothing(
    api_client_for: Client, cast: Cast, offer: Offer, body: dict[str, Any]
) -> None:
    response = _refuse(api_client_for, cast.provider_a, offer, body)
    assert response.status_code == 400
    # The path names the field (`refusal_concerns`, or `refusal_concerns.0` for an item).
    assert [path.split(".")[0] for path in response.json()["errors"]] == ["refusal_concerns"]
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN
    assert offer.refusal_concerns == []


@pytest.mark.parametrize("who", ["referrer", "analyst", "coordinator", "provider_b"])
def test_only_the_offers_provider_refuses_with_concerns(
    api_client_for: Client, cast: Cast, offer: Offer, who: str
) -> None:
    response = _refuse(
        api_client_for,
        getattr(cast, who),
        offer,
        {"reason": "safety_risk", "refusal_concerns": ["aggression"]},
    )
    assert response.status_code in (403, 404)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN


def test_the_refuse_form_offers_the_vas_codes_and_stores_them(cast: Cast, offer: Offer) -> None:
    client = DjangoClient()
    client.force_login(cast.provider_a)
    page = client.get(f"/placement/voorstellen/{offer.pk}/")
    html = page.content.decode()
    assert 'data-testid="refusal-concerns"' in html
    for code in ("youth_parenting", "mental_health", "aggression"):
        assert f'value="{code}"' in html
    assert 'value="fire_setting"' not in html  # not on this VA
    response = client.post(
        f"/placement/voorstellen/{offer.pk}/",
        {"action": "refuse", "reason": "safety_risk", "refusal_concerns": ["aggression"]},
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.status, offer.refusal_concerns) == ("refused", ["aggression"])


def test_the_refuse_form_says_which_field_is_wrong(cast: Cast, offer: Offer) -> None:
    client = DjangoClient()
    client.force_login(cast.provider_a)
    response = client.post(
        f"/placement/voorstellen/{offer.pk}/",
        {"action": "refuse", "reason": "staffing", "refusal_concerns": ["aggression"]},
    )
    assert response.status_code == 400
    assert "Een aanleiding kunt u alleen noemen bij" in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN


def test_the_schema_documents_the_optional_field(api_client_for: Client, cast: Cast) -> None:
    schema = api_client_for(cast.coordinator).get("/api/v1/schema/?format=json").json()
    refuse = schema["components"]["schemas"]["Refuse"]
    assert "refusal_concerns" in refuse["properties"]
    assert "refusal_concerns" not in refuse.get("required", [])
