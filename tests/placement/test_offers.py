"""Offers: send one at a time, anonymised to the provider, accept/refuse/withdraw/expire."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client as DjangoClient
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuditEntry, Notification
from capacity.models import Location
from placement import services
from placement.models import Offer
from referrals.models import Referral
from tests.conftest import Cast
from tests.placement.conftest import CANARY_STRINGS

Client = Callable[..., APIClient]


def send(api_client_for: Client, cast: Cast, referral: Referral, location: Location, **extra: str):  # type: ignore[no-untyped-def]
    return api_client_for(cast.coordinator).post(
        f"/api/v1/referrals/{referral.pk}/offers/",
        {"location": location.pk, **extra},
        format="json",
    )


# --- candidates ----------------------------------------------------------------------------


def test_candidates_are_ranked_with_reasons(
    api_client_for: Client,
    cast: Cast,
    referral: Referral,
    location_a: Location,
    location_b: Location,
) -> None:
    response = api_client_for(cast.coordinator).get(f"/api/v1/referrals/{referral.pk}/candidates/")
    assert response.status_code == 200
    rows = response.json()
    assert [row["location"] for row in rows] == [location_a.pk, location_b.pk]
    assert rows[0]["provider"] == "Aanbieder A"
    assert rows[0]["score"] > rows[1]["score"]
    assert any("1e keuze" in reason for reason in rows[0]["reasons"])
    assert rows[0]["free_places"] == 2


def test_excluded_locations_come_with_why_on_request(
    api_client_for: Client,
    cast: Cast,
    referral: Referral,
    location_a: Location,
) -> None:
    location_a.contra_indications = ["aggression"]
    location_a.save()
    referral.current_analysis.risk_flags = ["aggression"]  # type: ignore[union-attr]
    referral.current_analysis.save()  # type: ignore[union-attr]
    client = api_client_for(cast.coordinator)
    assert client.get(f"/api/v1/referrals/{referral.pk}/candidates/").json() == []
    rows = client.get(f"/api/v1/referrals/{referral.pk}/candidates/?include_excluded=1").json()
    assert rows[0]["location"] == location_a.pk
    assert rows[0]["score"] is None
    assert "Contra-indicatie van de locatie: agressie." in rows[0]["excluded_because"]


@pytest.mark.parametrize("who", ["referrer", "referrer2", "provider_a", "analyst", "admin"])
def test_candidates_are_for_the_coordinator_only(
    api_client_for: Client, cast: Cast, referral: Referral, location_a: Location, who: str
) -> None:
    user = getattr(cast, who)
    response = api_client_for(user).get(f"/api/v1/referrals/{referral.pk}/candidates/")
    assert response.status_code == 404


def test_candidates_need_authentication(referral: Referral) -> None:
    assert APIClient().get(f"/api/v1/referrals/{referral.pk}/candidates/").status_code == 401


def test_candidates_query_count_is_constant(
    api_client_for: Client,
    cast: Cast,
    referral: Referral,
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    from tests.factories import LocationFactory

    for index in range(25):
        LocationFactory(
            provider=cast.provider_a_org if index % 2 else cast.provider_b_org,
            municipality=cast.municipality,
            regions=[cast.region],
        )
    client = api_client_for(cast.coordinator)
    # the referral with its analysis, youth and refusing providers; the locations with their
    # provider's acceptance rate
    with django_assert_max_num_queries(2):  # type: ignore[operator]
        rows = client.get(f"/api/v1/referrals/{referral.pk}/candidates/?include_excluded=1")
    assert len(rows.json()) == 25


# --- sending ---------------------------------------------------------------------------------


def test_sending_the_proposal_opens_one_offer_and_tells_the_provider(
    api_client_for: Client,
    cast: Cast,
    referral: Referral,
    location_a: Location,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = send(api_client_for, cast, referral, location_a)
    assert response.status_code == 201, response.json()
    offer = Offer.objects.get()
    assert offer.status == Offer.Status.OPEN
    assert offer.was_proposal
    assert offer.deadline > timezone.now() + timedelta(days=4)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.OFFERED
    note = Notification.objects.get(recipient=cast.provider_a)
    assert note.kind == "offer.new"
    assert len(mail.outbox) == 1
    for canary in CANARY_STRINGS:
        assert canary not in note.message
        assert canary not in mail.outbox[0].body


def test_a_second_offer_is_409_while_one_is_open(
    api_client_for: Client,
    cast: Cast,
    referral: Referral,
    location_a: Location,
    location_b: Location,
) -> None:
    assert send(api_client_for, cast, referral, location_a).status_code == 201
    response = send(api_client_for, cast, referral, location_b, reason="dichter bij school")
    assert response.status_code == 409
    assert Offer.objects.count() == 1


def test_the_database_refuses_two_open_offers(
    cast: Cast, referral: Referral, location_a: Location, location_b: Location
) -> None:
    common = {"referral": referral, "sent_by": cast.coordinator, "deadline": timezone.now()}
    Offer.objects.create(location=location_a, provider=cast.provider_a_org, **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.create(location=location_b, provider=cast.provider_b_org, **common)


def test_another_candidate_than_the_proposal_needs_a_reason(
    api_client_for: Client,
    cast: Cast,
    referral: Referral,
    location_a: Location,
    location_b: Location,
) -> None:
    response = send(api_client_for, cast, referral, location_b)
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    assert Offer.objects.count() == 0
    response = send(api_client_for, cast, referral, location_b, reason="Broer woont daar vlakbij")
    assert response.status_code == 201
    offer = Offer.objects.get()
    assert not offer.was_proposal
    assert offer.choice_reason == "Broer woont daar vlakbij"


def test_an_unfitting_location_is_refused_with_why(
    api_client_for: Client, cast: Cast, referral: Referral, location_a: Location
) -> None:
    location_a.care_form = "family_home"
    location_a.save()
    response = send(api_client_for, cast, referral, location_a, reason="toch")
    assert response.status_code == 400
    messages = response.json()["errors"]["location"]
    assert any("Zorgvorm" in message for message in messages)
    assert Offer.objects.count() == 0


@pytest.mark.parametrize(
    "body", [{}, {"location": "abc"}, {"location": 999999}, {"location": None}, []]
)
def test_bad_offer_input_is_400(
    api_client_for: Client, cast: Cast, referral: Referral, body: object
) -> None:
    response = api_client_for(cast.coordinator).post(
        f"/api/v1/referrals/{referral.pk}/offers/", body, format="json"
    )
    assert response.status_code == 400
    assert Offer.objects.count() == 0


def test_offers_need_a_referral_in_matching(
    api_client_for: Client,
    cast: Cast,
    make_referral: Callable[..., Referral],
    location_a: Location,
) -> None:
    referral = make_referral(status=Referral.Status.SUBMITTED)
    assert send(api_client_for, cast, referral, location_a).status_code == 409


@pytest.mark.parametrize("who", ["referrer", "provider_a", "analyst"])
def test_only_coordinators_send_offers(
    api_client_for: Client, cast: Cast, referral: Referral, location_a: Location, who: str
) -> None:
    response = api_client_for(getattr(cast, who)).post(
        f"/api/v1/referrals/{referral.pk}/offers/", {"location": location_a.pk}, format="json"
    )
    assert response.status_code == 404


# --- the provider's view --------------------------------------------------------------------


@pytest.fixture
def offer(api_client_for: Client, cast: Cast, referral: Referral, location_a: Location) -> Offer:
    assert send(api_client_for, cast, referral, location_a).status_code == 201
    return Offer.objects.get()


def test_provider_sees_its_offer_anonymised(
    api_client_for: Client, cast: Cast, offer: Offer
) -> None:
    client = api_client_for(cast.provider_a)
    listing = client.get("/api/v1/offers/")
    detail = client.get(f"/api/v1/offers/{offer.pk}/")
    assert listing.status_code == detail.status_code == 200
    body = detail.json()
    assert body["referral"]["age"] == 14
    assert body["referral"]["gender"] == "f"
    assert body["referral"]["municipality"]["code"] == "GM0307"
    assert body["referral"]["explanatory_analysis"]["needs"] == "Structuur en behandeling."
    assert "youth" not in body
    for text in (listing.content.decode(), detail.content.decode()):
        for canary in CANARY_STRINGS:
            assert canary not in text, canary


def test_other_provider_gets_404(api_client_for: Client, cast: Cast, offer: Offer) -> None:
    client = api_client_for(cast.provider_b)
    assert client.get("/api/v1/offers/").json()["results"] == []
    for path in (f"/api/v1/offers/{offer.pk}/",):
        assert client.get(path).status_code == 404
    for action in ("accept", "refuse"):
        response = client.post(
            f"/api/v1/offers/{offer.pk}/{action}/", {"reason": "staffing"}, format="json"
        )
        assert response.status_code == 404
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN


@pytest.mark.parametrize("who", ["referrer", "referrer2", "analyst", "coordinator"])
def test_non_providers_cannot_answer(
    api_client_for: Client, cast: Cast, offer: Offer, who: str
) -> None:
    client = api_client_for(getattr(cast, who))
    assert client.post(f"/api/v1/offers/{offer.pk}/accept/").status_code == 404
    assert client.get(f"/api/v1/offers/{offer.pk}/").status_code == 404


def test_offer_inbox_query_count_is_constant(
    api_client_for: Client,
    cast: Cast,
    make_referral: Callable[..., Referral],
    location_a: Location,
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    for _ in range(12):
        r = make_referral()
        Offer.objects.create(
            referral=r,
            location=location_a,
            provider=cast.provider_a_org,
            sent_by=cast.coordinator,
            deadline=timezone.now() + timedelta(days=5),
        )
    client = api_client_for(cast.provider_a)
    with django_assert_max_num_queries(4):  # type: ignore[operator]
        assert len(client.get("/api/v1/offers/").json()["results"]) == 12


# --- answers -----------------------------------------------------------------------------------


def test_accept_holds_a_place_and_then_shows_the_identity_audited(
    api_client_for: Client, cast: Cast, offer: Offer, location_a: Location
) -> None:
    client = api_client_for(cast.provider_a)
    response = client.post(f"/api/v1/offers/{offer.pk}/accept/")
    assert response.status_code == 200
    location_a.refresh_from_db()
    assert (location_a.free_places, location_a.held_places) == (1, 1)
    offer.referral.refresh_from_db()
    assert offer.referral.status == Referral.Status.ACCEPTED

    before = AuditEntry.objects.filter(action="youth.read").count()
    body = client.get(f"/api/v1/offers/{offer.pk}/").json()
    assert body["youth"]["family_name"] == "Quirijnsdochter"
    assert body["youth"]["bsn"] == "111222333"
    entry = AuditEntry.objects.filter(action="youth.read").latest("id")
    assert AuditEntry.objects.filter(action="youth.read").count() == before + 1
    assert (entry.username, entry.referral_id, entry.outcome) == (
        "provider_a",
        offer.referral_id,
        "allowed",
    )


def test_accept_without_a_free_place_is_409_and_changes_nothing(
    api_client_for: Client, cast: Cast, offer: Offer, location_a: Location
) -> None:
    Location.objects.filter(pk=location_a.pk).update(free_places=0, occupied_places=6)
    response = api_client_for(cast.provider_a).post(f"/api/v1/offers/{offer.pk}/accept/")
    assert response.status_code == 409
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN
    location_a.refresh_from_db()
    assert (location_a.free_places, location_a.held_places) == (0, 0)


def test_accepting_twice_is_409(api_client_for: Client, cast: Cast, offer: Offer) -> None:
    client = api_client_for(cast.provider_a)
    assert client.post(f"/api/v1/offers/{offer.pk}/accept/").status_code == 200
    assert client.post(f"/api/v1/offers/{offer.pk}/accept/").status_code == 409


def test_refusal_records_the_reason_and_the_provider_drops_out(
    api_client_for: Client, cast: Cast, offer: Offer, location_b: Location
) -> None:
    response = api_client_for(cast.provider_a).post(
        f"/api/v1/offers/{offer.pk}/refuse/",
        {"reason": "group_composition", "explanation": ""},
        format="json",
    )
    assert response.status_code == 200
    offer.refresh_from_db()
    assert (offer.status, offer.refusal_reason) == ("refused", "group_composition")
    offer.referral.refresh_from_db()
    assert offer.referral.status == Referral.Status.MATCHING
    rows = (
        api_client_for(cast.coordinator)
        .get(f"/api/v1/referrals/{offer.referral_id}/candidates/?include_excluded=1")
        .json()
    )
    assert rows[0]["location"] == location_b.pk  # the next proposal
    refused = next(row for row in rows if row["location"] == offer.location_id)
    assert any("al geweigerd" in text for text in refused["excluded_because"])
    assert Notification.objects.filter(recipient=cast.coordinator, kind="offer.refused").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "nonsense"}, "reason"),
        ({"reason": "no_response"}, "reason"),
        ({}, "reason"),
        ({"reason": "other"}, "explanation"),
        ({"reason": "contra_indication", "explanation": "  "}, "explanation"),
        ({"reason": "insufficient_expertise"}, "explanation"),
    ],
)
def test_bad_refusals_are_400_naming_the_field(
    api_client_for: Client, cast: Cast, offer: Offer, body: dict[str, str], field: str
) -> None:
    response = api_client_for(cast.provider_a).post(
        f"/api/v1/offers/{offer.pk}/refuse/", body, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN


def test_coordinator_withdraws_with_a_reason(
    api_client_for: Client, cast: Cast, offer: Offer
) -> None:
    client = api_client_for(cast.coordinator)
    assert client.post(f"/api/v1/offers/{offer.pk}/withdraw/", {}, format="json").status_code == 400
    response = client.post(
        f"/api/v1/offers/{offer.pk}/withdraw/", {"reason": "Jongere is opgenomen"}, format="json"
    )
    assert response.status_code == 200
    offer.refresh_from_db()
    assert offer.status == Offer.Status.WITHDRAWN
    offer.referral.refresh_from_db()
    assert offer.referral.status == Referral.Status.MATCHING


# --- deadline, reminder, expiry ---------------------------------------------------------------


def test_overdue_offers_expire_as_no_response_once(
    cast: Cast, offer: Offer, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    Offer.objects.filter(pk=offer.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        assert services.offers_expire_overdue() == 1
        assert services.offers_expire_overdue() == 0
    offer.refresh_from_db()
    assert (offer.status, offer.refusal_reason) == ("expired", "no_response")
    offer.referral.refresh_from_db()
    assert offer.referral.status == Referral.Status.MATCHING
    assert (
        Notification.objects.filter(kind="offer.expired", recipient=cast.coordinator).count() == 1
    )


def test_open_offers_before_the_deadline_do_not_expire(offer: Offer) -> None:
    assert services.offers_expire_overdue() == 0


def test_one_reminder_one_working_day_before(cast: Cast, offer: Offer) -> None:
    assert services.offers_send_reminders(now=offer.sent_at) == 0
    day_before = offer.deadline - timedelta(days=1)
    later = max(day_before, offer.deadline - timedelta(hours=12))
    assert services.offers_send_reminders(now=later) == 1
    assert services.offers_send_reminders(now=later) == 0
    assert (
        Notification.objects.filter(kind="offer.reminder", recipient=cast.provider_a).count() == 1
    )


def test_the_provider_reads_the_urgency_and_that_crisis_documents_follow(
    cast: Cast, referral: Referral, location_a: Location
) -> None:
    """Issue 21.1: the provider judges a crisis knowing that the VA and plans follow."""
    due = timezone.localdate() + timedelta(days=9)
    Referral.objects.filter(pk=referral.pk).update(urgency="crisis", documents_due_on=due)
    offer = services.offer_send(referral=referral, location=location_a, by=cast.coordinator)
    client = APIClient()
    client.force_authenticate(cast.provider_a)
    body = client.get(f"/api/v1/offers/{offer.pk}/").json()["referral"]
    assert (body["urgency"], body["documents_due_on"]) == ("crisis", due.isoformat())
    page = DjangoClient()
    page.force_login(cast.provider_a)
    html = page.get(f"/placement/voorstellen/{offer.pk}/").content.decode()
    assert "volgen uiterlijk" in html
