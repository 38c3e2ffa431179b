"""A provider's view of the youth's identity ends a set time after the placement ended."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django import Settings as SettingsWrapper
from rest_framework.test import APIClient

from accounts.models import AuditEntry
from placement.models import Offer, Placement
from tests.conftest import Cast
from tests.placement.test_pages import signed_in
from tests.placement.test_placements import accepted, place  # noqa: F401 - fixture

Client = Callable[..., APIClient]
TODAY = timezone.localdate


@pytest.fixture
def ended(api_client_for: Client, cast: Cast, accepted: Offer) -> Placement:  # noqa: F811
    """A placement that began and ended today (through the API), then moved back in time."""
    assert place(api_client_for(cast.coordinator), accepted, TODAY()).status_code == 201
    placement = Placement.objects.get()
    response = api_client_for(cast.provider_a).post(
        f"/api/v1/placements/{placement.pk}/end/",
        {"end_date": TODAY().isoformat(), "reason": "returned_home"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    placement.refresh_from_db()
    return placement


def ended_days_ago(placement: Placement, days: int) -> None:
    day = TODAY() - timedelta(days=days)
    Placement.objects.filter(pk=placement.pk).update(start_date=day, end_date=day)


def test_the_identity_stays_visible_until_the_set_day_after_the_end(
    api_client_for: Client, cast: Cast, ended: Placement, settings: SettingsWrapper
) -> None:
    settings.PROVIDER_IDENTITY_DAYS_AFTER_END = 30
    ended_days_ago(ended, 30)
    body = api_client_for(cast.provider_a).get(f"/api/v1/offers/{ended.offer_id}/").json()
    assert body["youth"]["bsn"] == "111222333"
    assert body["youth_visible_until"] == TODAY().isoformat()


def test_after_the_set_days_the_provider_sees_the_anonymised_request_only_audited(
    api_client_for: Client,
    cast: Cast,
    ended: Placement,
    settings: SettingsWrapper,
) -> None:
    settings.PROVIDER_IDENTITY_DAYS_AFTER_END = 30
    ended_days_ago(ended, 31)
    before = AuditEntry.objects.filter(action="youth.read", outcome="refused").count()

    response = api_client_for(cast.provider_a).get(f"/api/v1/offers/{ended.offer_id}/")
    assert response.status_code == 200
    body = response.json()
    assert "youth" not in body
    assert "111222333" not in response.content.decode()
    assert body["youth_visible_until"] == (TODAY() - timedelta(days=1)).isoformat()
    assert body["referral"]["code"] == ended.referral.code

    page = signed_in(cast.provider_a).get(f"/placement/voorstellen/{ended.offer_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "111222333" not in html and "Quirijnsdochter" not in html
    assert 'data-testid="identity-ended"' in html

    placement_page = signed_in(cast.provider_a).get(f"/placement/plaatsingen/{ended.pk}/")
    assert placement_page.status_code == 200
    assert "Quirijnsdochter" not in placement_page.content.decode()

    refused = AuditEntry.objects.filter(action="youth.read", outcome="refused")
    assert refused.count() == before + 3
    assert set(refused.values_list("username", flat=True)) == {"provider_a"}


def test_a_running_placement_keeps_the_identity(
    api_client_for: Client,
    cast: Cast,
    accepted: Offer,  # noqa: F811
) -> None:
    start = TODAY() - timedelta(days=400)
    assert place(api_client_for(cast.coordinator), accepted, TODAY()).status_code == 201
    Placement.objects.update(start_date=start)
    body = api_client_for(cast.provider_a).get(f"/api/v1/offers/{accepted.pk}/").json()
    assert body["youth"]["bsn"] == "111222333"
    assert body["youth_visible_until"] is None
