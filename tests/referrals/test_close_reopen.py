"""Closing a referral needs a chosen, confirmed outcome; a coordinator can reopen it."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import AuditEntry, Organisation, Role, User
from referrals.models import Referral, ReferralEvent, YouthIdentity
from referrals.services import (
    referral_close,
    referral_close_after_placement,
    referral_start_matching,
)
from tests.conftest import Cast
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
ApiClient = Callable[[User | None], APIClient]


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def closed_referral(cast: Cast, make_referral: Any, *, matching: bool = True) -> Referral:
    referral = make_referral(submit=True)
    if matching:
        referral = referral_start_matching(referral=referral, by=cast.coordinator)
    return referral_close(
        referral=referral, by=cast.coordinator, outcome=Referral.CloseOutcome.RESOLVED_AT_HOME
    )


def other_region_coordinator(cast: Cast) -> User:
    organisation = OrganisationFactory(
        name="Coördinatiepunt Flevoland",
        kind=Organisation.Kind.COORDINATION_POINT,
        municipality=cast.municipality,
        regions=[cast.other_region],
    )
    return UserFactory(username="coordinator_fle", role=Role.COORDINATOR, organisation=organisation)


# --- closing -------------------------------------------------------------------------------


def test_close_form_preselects_no_outcome(cast: Cast, make_referral: Any) -> None:
    referral = make_referral(submit=True)
    page = client_for(cast.coordinator).get(f"/referrals/{referral.pk}/").content.decode()
    assert 'value="" selected' in page
    assert 'value="resolved_at_home" selected' not in page


def test_close_requires_an_explicit_outcome(cast: Cast, make_referral: Any) -> None:
    referral = make_referral(submit=True)
    response = client_for(cast.coordinator).post(f"/referrals/{referral.pk}/close/", {})
    assert response.status_code == 400
    assert "Kies een reden van afsluiten." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED
    assert referral.close_outcome == ""


def test_close_asks_for_confirmation_first(cast: Cast, make_referral: Any) -> None:
    referral = make_referral(submit=True)
    client = client_for(cast.coordinator)
    response = client.post(f"/referrals/{referral.pk}/close/", {"outcome": "withdrawn"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="close-confirm"' in page
    assert "ingetrokken" in page
    assert 'name="confirmed" value="1"' in page
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED  # nothing happened yet
    assert not AuditEntry.objects.filter(action="referral.close").exists()

    response = client.post(
        f"/referrals/{referral.pk}/close/", {"outcome": "withdrawn", "confirmed": "1"}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED
    assert referral.close_outcome == Referral.CloseOutcome.WITHDRAWN


def test_the_one_click_close_action_is_gone(cast: Cast, make_referral: Any) -> None:
    referral = make_referral(submit=True)
    response = client_for(cast.coordinator).post(
        f"/referrals/{referral.pk}/action/close/", {"outcome": "resolved_at_home"}
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED


@pytest.mark.parametrize("who", ["referrer", "provider_a", "analyst"])
def test_close_page_refuses_other_roles(cast: Cast, make_referral: Any, who: str) -> None:
    referral = make_referral(submit=True)
    user = getattr(cast, who)
    response = client_for(user).post(
        f"/referrals/{referral.pk}/close/", {"outcome": "withdrawn", "confirmed": "1"}
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED


# --- reopening: API ------------------------------------------------------------------------


def test_reopen_restores_the_previous_status(
    cast: Cast, make_referral: Any, api_client_for: ApiClient
) -> None:
    referral = closed_referral(cast, make_referral)
    assert referral.youth.open_bsn == ""
    response = api_client_for(cast.coordinator).post(
        f"/api/v1/referrals/{referral.pk}/reopen/",
        {"reason": "Thuis gaat het toch niet."},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "matching"
    referral.refresh_from_db()
    assert referral.status == Referral.Status.MATCHING
    assert referral.close_outcome == ""
    assert referral.closed_at is None
    youth = YouthIdentity.objects.get(pk=referral.youth_id)
    assert youth.open_bsn == youth.bsn  # the one-open-referral claim is back
    event = ReferralEvent.objects.filter(referral=referral).last()
    assert event is not None
    assert (event.from_status, event.to_status) == ("closed", "matching")
    assert "Thuis gaat het toch niet." in event.note
    assert AuditEntry.objects.filter(
        action="referral.reopen", referral_id=referral.pk, outcome="allowed", user=cast.coordinator
    ).exists()


def test_reopen_needs_a_reason(cast: Cast, make_referral: Any, api_client_for: ApiClient) -> None:
    referral = closed_referral(cast, make_referral)
    response = api_client_for(cast.coordinator).post(
        f"/api/v1/referrals/{referral.pk}/reopen/", {"reason": "  "}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED


def test_reopen_reason_must_not_identify_the_youth(
    cast: Cast, make_referral: Any, api_client_for: ApiClient
) -> None:
    referral = closed_referral(cast, make_referral)
    response = api_client_for(cast.coordinator).post(
        f"/api/v1/referrals/{referral.pk}/reopen/", {"reason": "Zoë wil toch hulp"}, format="json"
    )
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


def test_reopen_of_an_open_referral_is_409(
    cast: Cast, make_referral: Any, api_client_for: ApiClient
) -> None:
    referral = make_referral(submit=True)
    response = api_client_for(cast.coordinator).post(
        f"/api/v1/referrals/{referral.pk}/reopen/", {"reason": "Waarom niet."}, format="json"
    )
    assert response.status_code == 409
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED


def test_reopen_after_a_placement_ended_is_409(
    cast: Cast, make_referral: Any, api_client_for: ApiClient
) -> None:
    referral = make_referral(submit=True)
    referral_close_after_placement(referral=referral, by=cast.coordinator)
    response = api_client_for(cast.coordinator).post(
        f"/api/v1/referrals/{referral.pk}/reopen/", {"reason": "Opnieuw."}, format="json"
    )
    assert response.status_code == 409
    assert "doorplaatsing" in str(response.json())
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED


def test_reopen_is_refused_while_the_youth_has_another_open_referral(
    cast: Cast, make_referral: Any, api_client_for: ApiClient
) -> None:
    referral = closed_referral(cast, make_referral)
    newer = make_referral(submit=True)  # the same BSN, referred again after the close
    response = api_client_for(cast.coordinator).post(
        f"/api/v1/referrals/{referral.pk}/reopen/", {"reason": "Opnieuw."}, format="json"
    )
    assert response.status_code == 409
    assert newer.code in str(response.json())
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED
    assert YouthIdentity.objects.get(pk=referral.youth_id).open_bsn == ""


@pytest.mark.parametrize("who", ["referrer", "referrer2", "provider_a", "analyst", "other_region"])
def test_reopen_outside_scope_is_404(
    cast: Cast, make_referral: Any, api_client_for: ApiClient, who: str
) -> None:
    referral = closed_referral(cast, make_referral)
    user = other_region_coordinator(cast) if who == "other_region" else getattr(cast, who)
    response = api_client_for(user).post(
        f"/api/v1/referrals/{referral.pk}/reopen/", {"reason": "Opnieuw."}, format="json"
    )
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED
    assert AuditEntry.objects.filter(
        action="referral.reopen", referral_id=referral.pk, outcome="refused"
    ).exists()


def test_reopen_is_in_the_schema(cast: Cast, api_client_for: ApiClient) -> None:
    response = api_client_for(cast.coordinator).get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    assert "/api/v1/referrals/{id}/reopen/" in response.json()["paths"]


# --- reopening: browser --------------------------------------------------------------------


def test_detail_offers_reopen_to_the_coordinator_only(cast: Cast, make_referral: Any) -> None:
    referral = closed_referral(cast, make_referral)
    page = client_for(cast.coordinator).get(f"/referrals/{referral.pk}/").content.decode()
    assert f"/referrals/{referral.pk}/reopen/" in page
    page = client_for(cast.referrer).get(f"/referrals/{referral.pk}/").content.decode()
    assert f"/referrals/{referral.pk}/reopen/" not in page


def test_reopen_page_confirms_then_reopens(cast: Cast, make_referral: Any) -> None:
    referral = closed_referral(cast, make_referral, matching=False)
    client = client_for(cast.coordinator)
    page = client.get(f"/referrals/{referral.pk}/reopen/")
    assert page.status_code == 200
    assert 'data-testid="reopen-confirm"' in page.content.decode()
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED  # a GET changes nothing

    response = client.post(f"/referrals/{referral.pk}/reopen/", {"reason": ""})
    assert response.status_code == 400
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED

    response = client.post(f"/referrals/{referral.pk}/reopen/", {"reason": "Toch nodig."})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED


@pytest.mark.parametrize("who", ["referrer", "provider_a", "analyst", "other_region"])
def test_reopen_page_outside_scope(cast: Cast, make_referral: Any, who: str) -> None:
    referral = closed_referral(cast, make_referral)
    user = other_region_coordinator(cast) if who == "other_region" else getattr(cast, who)
    response = client_for(user).post(f"/referrals/{referral.pk}/reopen/", {"reason": "Opnieuw."})
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED
