"""The escalation dossier (issue 21, point 3): the search history of a request composed by the
system, as a page, a PDF and JSON; no identity of the youth, a fixed number of queries."""

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuditEntry, User
from capacity.models import Location
from placement.models import Offer
from placement.services import offer_refuse, offer_send, offer_withdraw
from referrals.dossier import _spells, escalation_dossier
from referrals.models import Referral, ReferralEvent
from referrals.services import expert_table_convene, referral_start_matching
from tests.conftest import Cast
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db
ApiClient = Callable[[User | None], APIClient]
IDENTITY = ["Zoë", "van den Berg", "111222333", "2011-05-03", "03-05-2011", "3811 AB", "Karin Smit"]


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def fitting(cast: Cast) -> Location:
    return LocationFactory(
        provider=cast.provider_a_org,
        name="Groep De Linde",
        municipality=cast.municipality,
        regions=[cast.region],
        expertise=["youth_parenting", "mental_health"],
    )


@pytest.fixture
def unfitting(cast: Cast) -> Location:
    return LocationFactory(
        provider=cast.provider_b_org,
        name="Huis Zonder GGZ",
        municipality=cast.municipality,
        regions=[cast.region],
    )


@pytest.fixture
def escalated(
    cast: Cast, make_referral: Callable[..., Referral], fitting: Location, unfitting: Location
) -> Referral:
    """Submitted, in matching, refused once by provider A, with an expert table."""
    referral = referral_start_matching(referral=make_referral(submit=True), by=cast.coordinator)
    offer = offer_send(referral=referral, location=fitting, by=cast.coordinator)
    offer_refuse(
        offer=offer,
        by=cast.provider_a,
        reason="group_composition",
        explanation="De groep is nu te onrustig.",
    )
    expert_table_convene(
        referral=referral,
        by=cast.coordinator,
        data={
            "convened_on": timezone.localdate(),
            "disciplines": ["youth_psychiatry"],
            "question": "Welke zorgvorm past nog?",
        },
    )
    Referral.objects.filter(pk=referral.pk).update(
        interim_support="Ambulante begeleiding thuis, drie keer per week."
    )
    referral.refresh_from_db()
    return referral


def test_dossier_composes_the_search_history(escalated: Referral, unfitting: Location) -> None:
    dossier = escalation_dossier(referral=escalated)
    [offer] = dossier.offers
    assert offer.provider == "Aanbieder A"
    assert offer.location == "Groep De Linde"
    assert offer.refusal_reason == "group_composition"
    assert offer.refusal_explanation == "De groep is nu te onrustig."
    assert offer.answered_at is not None
    reasons = {exclusion.location: exclusion.reasons for exclusion in dossier.excluded}
    assert any("Expertise ontbreekt" in r for r in reasons["Huis Zonder GGZ"])
    assert any("al geweigerd" in r for r in reasons["Groep De Linde"])
    assert dossier.days_waiting == 0
    assert {spell.status for spell in dossier.days_per_status} >= {"submitted", "matching"}
    assert dossier.interim_support.startswith("Ambulante begeleiding")
    assert [t.question for t in dossier.expert_tables] == ["Welke zorgvorm past nog?"]


def test_days_per_status_come_from_the_events() -> None:
    start = timezone.make_aware(datetime(2026, 3, 2, 12))

    def event(days: int, before: str, after: str) -> ReferralEvent:
        return ReferralEvent(at=start + timedelta(days=days), from_status=before, to_status=after)

    events = [
        event(0, "", "draft"),
        event(1, "draft", "submitted"),
        event(3, "submitted", "matching"),
        event(4, "matching", "matching"),  # a note: no change of status
        event(10, "matching", "waiting"),
        event(30, "waiting", "matching"),
        event(32, "matching", "closed"),
    ]
    first, spells = _spells(events, until=start + timedelta(days=32))
    assert first == start + timedelta(days=1)
    assert {s.status: s.days for s in spells} == {"submitted": 2, "matching": 9, "waiting": 20}


def test_dossier_reads_a_fixed_number_of_queries(
    cast: Cast, escalated: Referral, fitting: Location
) -> None:
    with CaptureQueriesContext(connection) as one:
        escalation_dossier(referral=escalated)
    for number in range(3):
        other = LocationFactory(
            provider=cast.provider_b_org,
            name=f"Groep {number}",
            municipality=cast.municipality,
            regions=[cast.region],
            expertise=["youth_parenting", "mental_health"],
        )
        offer = offer_send(
            referral=escalated, location=other, by=cast.coordinator, choice_reason="Dichterbij."
        )
        offer_withdraw(offer=offer, by=cast.coordinator, reason="Plek elders gevonden.")
    with CaptureQueriesContext(connection) as four:
        dossier = escalation_dossier(referral=escalated)
    assert len(dossier.offers) == 4
    assert len(four) == len(one) <= 6


def test_api_dossier_for_the_coordinator_without_identity(
    cast: Cast, escalated: Referral, api_client_for: ApiClient
) -> None:
    response = api_client_for(cast.coordinator).get(f"/api/v1/referrals/{escalated.pk}/dossier/")
    assert response.status_code == 200
    body = response.json()
    assert body["referral"]["code"] == escalated.code
    assert body["offers"][0]["refusal_reason"] == "group_composition"
    assert body["excluded_locations"]["locations"]
    assert body["expert_tables"][0]["disciplines"] == ["youth_psychiatry"]
    text = response.content.decode()
    for value in IDENTITY:
        assert value not in text
    assert AuditEntry.objects.filter(action="referral.dossier", outcome="allowed").exists()


def test_api_dossier_for_the_referrer_with_the_tables_short(
    cast: Cast, escalated: Referral, api_client_for: ApiClient
) -> None:
    response = api_client_for(cast.referrer).get(f"/api/v1/referrals/{escalated.pk}/dossier/")
    assert response.status_code == 200
    assert "disciplines" not in response.json()["expert_tables"][0]


@pytest.mark.parametrize("role", ["provider_a", "provider_b", "analyst", "referrer2", "admin"])
def test_no_dossier_for_others(
    cast: Cast, escalated: Referral, api_client_for: ApiClient, role: str
) -> None:
    user = getattr(cast, role)
    assert api_client_for(user).get(f"/api/v1/referrals/{escalated.pk}/dossier/").status_code == 404
    client = client_for(user)
    assert client.get(f"/referrals/{escalated.pk}/dossier/").status_code == 404
    assert client.get(f"/referrals/{escalated.pk}/dossier/pdf/").status_code == 404


def test_dossier_page_and_pdf(cast: Cast, escalated: Referral) -> None:
    client = client_for(cast.coordinator)
    page = client.get(f"/referrals/{escalated.pk}/dossier/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Groep De Linde" in html
    assert "De groep is nu te onrustig." in html
    assert "Huis Zonder GGZ" in html
    assert "Welke zorgvorm past nog?" in html
    for value in IDENTITY:
        assert value not in html
    pdf = client.get(f"/referrals/{escalated.pk}/dossier/pdf/")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(
        action="referral.dossier_pdf", referral_id=escalated.pk, outcome="allowed"
    ).exists()


def test_print_template_holds_no_identity(cast: Cast, escalated: Referral) -> None:
    from django.template.loader import render_to_string

    html = render_to_string(
        "print/dossier.html",
        {
            "referral": escalated,
            "dossier": escalation_dossier(referral=escalated),
            "full": True,
            "document_code": escalated.code,
            "now": timezone.now(),
        },
    )
    assert escalated.code in html
    for value in IDENTITY:
        assert value not in html


def test_an_empty_dossier_says_so(cast: Cast, make_referral: Callable[..., Referral]) -> None:
    referral = make_referral(submit=True)
    html = client_for(cast.coordinator).get(f"/referrals/{referral.pk}/dossier/").content.decode()
    assert "Er is nog geen voorstel aan een aanbieder gedaan." in html
    assert "Er is geen experttafel belegd." in html
    assert Offer.objects.count() == 0


def test_a_referral_without_status_changes_has_no_spells() -> None:
    """A draft has no status events yet: the dossier answered 500 on it (access matrix)."""
    assert _spells([], until=timezone.now()) == (None, [])


def test_the_referrer_reads_the_dossier_of_a_draft(
    cast: Cast, make_referral: Callable[..., Referral]
) -> None:
    draft = make_referral()
    client = APIClient()
    client.force_authenticate(cast.referrer)
    answer = client.get(f"/api/v1/referrals/{draft.pk}/dossier/")
    assert answer.status_code == 200
    assert answer.json()["offers"] == []
