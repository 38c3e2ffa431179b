"""Fixes from walking through the provider's pages (wave 2, W2): what a provider reads on
the inbox, the offer and the placement page."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from capacity.models import Location
from placement.models import Offer, Placement
from referrals.models import ExplanatoryAnalysis, Referral
from tests.conftest import Cast
from tests.placement.test_pages import offer_to_a, signed_in

pytestmark = pytest.mark.django_db


def crisis_without_documents(referral: Referral) -> None:
    """A crisis request offered before its VA and plans are written (issue 21.1)."""
    Referral.objects.filter(pk=referral.pk).update(
        urgency="crisis",
        documents_due_on=timezone.localdate() + timedelta(days=9),
        perspective_plan="",
        safety_plan="",
        care_question="",
        youth_perspective="",
    )
    ExplanatoryAnalysis.objects.filter(pk=referral.current_analysis_id).update(
        problems="", explaining_factors="", protective_factors="", needs=""
    )


def test_the_offer_page_says_what_follows_instead_of_empty_headings(
    cast: Cast, referral: Referral, location_a: Location
) -> None:
    crisis_without_documents(referral)
    offer = offer_to_a(cast, referral, location_a)
    html = signed_in(cast.provider_a).get(f"/placement/voorstellen/{offer.pk}/").content.decode()
    # Problems, explaining and protective factors, needs, care question, perspective plan,
    # safety plan and the youth's perspective: 8 parts not there yet.
    assert html.count("Volgt na de plaatsing.") == 8
    assert "Niet ingevuld." not in html


def test_an_empty_part_of_a_planned_request_reads_not_filled_in(
    cast: Cast, referral: Referral, location_a: Location
) -> None:
    Referral.objects.filter(pk=referral.pk).update(parents_perspective="", requested_start=None)
    offer = offer_to_a(cast, referral, location_a)
    html = signed_in(cast.provider_a).get(f"/placement/voorstellen/{offer.pk}/").content.decode()
    assert html.count("Niet ingevuld.") == 1
    assert "Volgt na de plaatsing." not in html


def test_the_inbox_marks_a_crisis(
    cast: Cast,
    make_referral: Callable[..., Referral],
    location_a: Location,
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    planned, crisis = make_referral(), make_referral()
    Referral.objects.filter(pk=crisis.pk).update(urgency="crisis")
    offer_to_a(cast, planned, location_a)
    offer_to_a(cast, crisis, location_a)
    client = signed_in(cast.provider_a)
    client.get("/placement/voorstellen/")  # the session, once
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        html = client.get("/placement/voorstellen/").content.decode()
    assert html.count('data-testid="inbox-crisis"') == 1
    row = html.split(crisis.code, 1)[1].split("</td>", 1)[0]
    assert 'data-testid="inbox-crisis"' in row


def test_the_other_provider_sees_no_crisis_mark_of_offers_not_to_it(
    cast: Cast, make_referral: Callable[..., Referral], location_a: Location
) -> None:
    crisis = make_referral()
    Referral.objects.filter(pk=crisis.pk).update(urgency="crisis")
    offer_to_a(cast, crisis, location_a)
    html = signed_in(cast.provider_b).get("/placement/voorstellen/").content.decode()
    assert crisis.code not in html
    assert "inbox-crisis" not in html


def placed(cast: Cast, referral: Referral, location: Location, **fields: object) -> Placement:
    offer = offer_to_a(cast, referral, location, status=Offer.Status.ACCEPTED)
    return Placement.objects.create(
        offer=offer,
        referral=referral,
        location=location,
        provider=cast.provider_a_org,
        created_by=cast.coordinator,
        start_date=timezone.localdate(),
        status=Placement.Status.ACTIVE,
        **fields,
    )


def test_transport_not_needed_does_not_read_as_a_payer(
    cast: Cast, referral: Referral, location_a: Location
) -> None:
    placement = placed(
        cast, referral, location_a, school_transport="fiets", transport_funding="not_needed"
    )
    client: Client = signed_in(cast.provider_a)
    html = client.get(f"/placement/plaatsingen/{placement.pk}/").content.decode()
    assert "fiets (geen vervoer nodig)" in html
    assert "betaald door geen vervoer nodig" not in html


def test_the_planned_end_field_has_no_contradicting_optional_mark(
    cast: Cast, referral: Referral, location_a: Location
) -> None:
    """The service refuses to clear it while the plan gives a term: "(niet verplicht)"
    beside it would contradict that; the label says when it is needed instead."""
    placement = placed(cast, referral, location_a)
    html = signed_in(cast.provider_a).get(f"/placement/plaatsingen/{placement.pk}/")
    text = html.content.decode()
    label = "Verwachte einddatum (verplicht als het perspectiefplan een termijn noemt)"
    assert label in text
    field = text.split(label, 1)[1].split("</label>", 1)[1][:200]
    assert "niet verplicht" not in field


def test_the_refuse_form_chooses_no_reason_beforehand(
    cast: Cast, referral: Referral, location_a: Location
) -> None:
    offer = offer_to_a(cast, referral, location_a)
    client = signed_in(cast.provider_a)
    html = client.get(f"/placement/voorstellen/{offer.pk}/").content.decode()
    select = html.split('name="reason"', 1)[1].split("</select>", 1)[0]
    assert '<option value="" selected>Kies een reden</option>' in select
    response = client.post(f"/placement/voorstellen/{offer.pk}/", {"action": "refuse"})
    assert response.status_code == 400
    assert "Reden van weigering: Kies de reden van de weigering." in response.content.decode()
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN
