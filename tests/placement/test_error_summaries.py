"""The refuse, withdraw and wait forms show the shared error summary (issue 19): at the top,
linked to the field, 400, nothing changed."""

import pytest
from django.test import Client

from capacity.models import Location
from placement.models import Offer
from referrals.models import Referral
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.fixture
def offer(cast: Cast, referral: Referral, location_a: Location) -> Offer:
    response = signed_in(cast.coordinator).post(
        f"/placement/verzoeken/{referral.pk}/voorstel/", {"location": location_a.pk}
    )
    assert response.status_code == 302
    return Offer.objects.get()


def summary_of(html: str) -> str:
    assert 'data-testid="error-summary"' in html, "no error summary"
    return html.split('data-testid="error-summary"')[1].split("</ul>")[0]


def test_refusing_without_the_required_explanation(cast: Cast, offer: Offer) -> None:
    response = signed_in(cast.provider_a).post(
        f"/placement/voorstellen/{offer.pk}/", {"action": "refuse", "reason": "other"}
    )
    assert response.status_code == 400
    summary = summary_of(response.content.decode())
    assert 'href="#id_explanation"' in summary
    assert "Een toelichting is verplicht bij deze reden." in summary
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN


def test_withdrawing_without_a_reason(cast: Cast, offer: Offer) -> None:
    response = signed_in(cast.coordinator).post(
        f"/placement/voorstellen/{offer.pk}/intrekken/", {"reason": ""}
    )
    assert response.status_code == 400
    assert 'href="#id_reason"' in summary_of(response.content.decode())
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OPEN


def test_waiting_without_interim_support(cast: Cast, referral: Referral) -> None:
    response = signed_in(cast.coordinator).post(
        f"/placement/verzoeken/{referral.pk}/wachten/", {"interim_support": ""}
    )
    assert response.status_code == 400
    assert 'href="#id_interim_support"' in summary_of(response.content.decode())
    referral.refresh_from_db()
    assert referral.status == Referral.Status.MATCHING


def test_no_summary_without_errors(cast: Cast, offer: Offer) -> None:
    html = signed_in(cast.provider_a).get(f"/placement/voorstellen/{offer.pk}/").content.decode()
    assert 'data-testid="error-summary"' not in html
    html = (
        signed_in(cast.coordinator)
        .get(f"/placement/verzoeken/{offer.referral_id}/matching/")
        .content.decode()
    )
    assert 'data-testid="error-summary"' not in html
