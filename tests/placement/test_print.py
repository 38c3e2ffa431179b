"""The two PDFs of a referral (issue 20 point 5): the anonymised request for the provider's
placement meeting, the full request for the file; who may print which, and the audit."""

from datetime import timedelta
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone

from accounts.models import AuditEntry, User
from capacity.models import Location
from placement.api import anonymised_referral
from placement.models import Offer
from referrals.models import Referral
from tests.conftest import Cast
from tests.placement.conftest import CANARY, CANARY_STRINGS

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def offer_to_a(cast: Cast, referral: Referral, location: Location, **fields: Any) -> Offer:
    return Offer.objects.create(
        referral=referral,
        location=location,
        provider=cast.provider_a_org,
        care_form=location.care_form,
        sent_by=cast.coordinator,
        **{"deadline": timezone.now() + timedelta(days=3), **fields},
    )


def anonymised_url(referral: Referral) -> str:
    return f"/referrals/{referral.pk}/afdrukken/anoniem/"


def full_url(referral: Referral) -> str:
    return f"/referrals/{referral.pk}/afdrukken/volledig/"


def _is_pdf(response: Any) -> None:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store, private"


def test_the_anonymised_template_holds_no_identity(cast: Cast, referral: Referral) -> None:
    """The strongest check: the HTML that becomes the PDF, rendered from the same dict the
    provider's offer page and API are built from, carries no name, BSN, birth date, postcode
    or guardian; the professional content is there."""
    request = RequestFactory().get("/")
    request.user = cast.provider_a
    html = render_to_string(
        "print/referral_anonymised.html",
        {"anonymised": anonymised_referral(referral), "now": timezone.now()},
        request=request,
    )
    for canary in [*CANARY_STRINGS, "14 maart 2012"]:
        assert canary not in html
    assert referral.code in html
    assert "Ernstige gedragsproblemen thuis." in html
    assert "Behandeling met verblijf." in html


@pytest.mark.parametrize("status", [Offer.Status.OPEN, Offer.Status.ACCEPTED])
def test_the_provider_prints_the_anonymised_request_of_its_offer(
    cast: Cast, referral: Referral, location_a: Location, status: str
) -> None:
    offer_to_a(cast, referral, location_a, status=status)
    response = signed_in(cast.provider_a).get(anonymised_url(referral))
    _is_pdf(response)
    assert referral.code in response["Content-Disposition"]
    # Nothing identifying in the PDF's bytes either (metadata, title).
    for canary in CANARY_STRINGS:
        assert canary.encode() not in response.content
    assert not AuditEntry.objects.filter(action="youth.print").exists()


def test_the_provider_page_has_the_print_button(
    cast: Cast, referral: Referral, location_a: Location
) -> None:
    offer = offer_to_a(cast, referral, location_a)
    page = signed_in(cast.provider_a).get(f"/placement/voorstellen/{offer.pk}/")
    assert anonymised_url(referral) in page.content.decode()
    assert "Afdrukken (PDF)" in page.content.decode()


@pytest.mark.parametrize(
    "status", [Offer.Status.REFUSED, Offer.Status.WITHDRAWN, Offer.Status.EXPIRED]
)
def test_a_provider_without_an_open_or_accepted_offer_gets_404(
    cast: Cast, referral: Referral, location_a: Location, status: str
) -> None:
    reason = {Offer.Status.WITHDRAWN: ""}.get(status, "no_response")
    offer_to_a(
        cast, referral, location_a, status=status, answered_at=timezone.now(), refusal_reason=reason
    )
    assert signed_in(cast.provider_a).get(anonymised_url(referral)).status_code == 404
    # The refusal is in the referral's trail.
    assert AuditEntry.objects.filter(
        referral_id=referral.pk, user=cast.provider_a, outcome=AuditEntry.Outcome.REFUSED
    ).exists()


def test_another_provider_gets_404(cast: Cast, referral: Referral, location_a: Location) -> None:
    offer_to_a(cast, referral, location_a)
    assert signed_in(cast.provider_b).get(anonymised_url(referral)).status_code == 404


@pytest.mark.parametrize("who", ["referrer", "referrer2", "analyst", "admin"])
def test_other_roles_get_404_for_the_anonymised_request(
    cast: Cast, referral: Referral, location_a: Location, who: str
) -> None:
    offer_to_a(cast, referral, location_a)
    user = cast.all_users()[who]
    assert signed_in(user).get(anonymised_url(referral)).status_code == 404


def test_the_coordinator_prints_both(cast: Cast, referral: Referral) -> None:
    client = signed_in(cast.coordinator)
    _is_pdf(client.get(anonymised_url(referral)))
    _is_pdf(client.get(full_url(referral)))


@pytest.mark.parametrize("who", ["referrer", "coordinator"])
def test_printing_the_full_request_is_audited(cast: Cast, referral: Referral, who: str) -> None:
    user = cast.all_users()[who]
    response = signed_in(user).get(full_url(referral))
    _is_pdf(response)
    entry = AuditEntry.objects.get(action="youth.print")
    assert entry.user == user
    assert entry.referral_id == referral.pk
    assert entry.object_type == "youth_identity"
    assert entry.outcome == AuditEntry.Outcome.ALLOWED


def test_the_full_template_shows_the_identity(cast: Cast, referral: Referral) -> None:
    from referrals.models import YouthIdentity

    request = RequestFactory().get("/")
    request.user = cast.referrer
    html = render_to_string(
        "print/referral_full.html",
        {
            "referral": referral,
            "youth": YouthIdentity.objects.get(pk=referral.youth_id),
            "analysis": referral.current_analysis,
            "timeline": [],
            "now": timezone.now(),
        },
        request=request,
    )
    assert CANARY["family_name"] in html
    assert CANARY["bsn"] in html
    assert "14 maart 2012" in html


@pytest.mark.parametrize("who", ["referrer2", "provider_a", "analyst", "admin"])
def test_other_roles_get_404_for_the_full_request(
    cast: Cast, referral: Referral, location_a: Location, who: str
) -> None:
    # Even the provider with an accepted offer (who sees the identity on its offer page)
    # prints the anonymised request only.
    offer_to_a(cast, referral, location_a, status=Offer.Status.ACCEPTED)
    user = cast.all_users()[who]
    assert signed_in(user).get(full_url(referral)).status_code == 404
    assert not AuditEntry.objects.filter(
        action="youth.print", outcome=AuditEntry.Outcome.ALLOWED
    ).exists()


def test_the_detail_page_has_the_print_buttons(cast: Cast, referral: Referral) -> None:
    html = signed_in(cast.coordinator).get(f"/referrals/{referral.pk}/").content.decode()
    assert full_url(referral) in html
    assert anonymised_url(referral) in html
    html = signed_in(cast.referrer).get(f"/referrals/{referral.pk}/").content.decode()
    assert full_url(referral) in html
    assert anonymised_url(referral) not in html


def test_an_unknown_referral_is_404(cast: Cast) -> None:
    client = signed_in(cast.coordinator)
    assert client.get("/referrals/999999/afdrukken/volledig/").status_code == 404
    assert client.get("/referrals/999999/afdrukken/anoniem/").status_code == 404


def test_post_is_not_allowed(cast: Cast, referral: Referral) -> None:
    assert signed_in(cast.coordinator).post(full_url(referral)).status_code == 405
