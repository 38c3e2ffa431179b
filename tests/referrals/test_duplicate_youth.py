"""A second referral for a youth with an open one (issue 18, point 8): a referrer of another
organisation is not told that referral's code; the region's coordinators are."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import Notification, Role
from referrals.models import Referral, YouthIdentity
from tests.conftest import Cast
from tests.referrals.conftest import VALID_BSN

pytestmark = pytest.mark.django_db

IDENTIFYING = ("Zoë", "van den Berg", VALID_BSN, "2011", "3811", "Karin Smit")


def page_client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def duplicate_notifications() -> list[Notification]:
    return list(Notification.objects.filter(kind="referral.duplicate_youth"))


def test_other_organisation_sees_no_code_in_the_api(
    cast: Cast, make_referral: Any, api_client_for: Any
) -> None:
    first = make_referral(submit=True)
    second = make_referral(by=cast.referrer2)
    response = api_client_for(cast.referrer2).post(f"/api/v1/referrals/{second.pk}/submit/")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["youth.bsn"]
    message = errors["youth.bsn"][0]
    assert "loopt al een verzoek bij het coördinatiepunt" in message
    assert "coördinator is op de hoogte gebracht" in message
    assert first.code not in response.content.decode()
    assert cast.referrer_org.name not in response.content.decode()
    # Nothing changed: the second stays a draft without the claim.
    second.refresh_from_db()
    assert second.status == Referral.Status.DRAFT
    assert YouthIdentity.objects.get(pk=second.youth_id).open_bsn == ""


def test_other_organisation_sees_no_code_on_the_page(cast: Cast, make_referral: Any) -> None:
    first = make_referral(submit=True)
    second = make_referral(by=cast.referrer2)
    response = page_client(cast.referrer2).post(f"/referrals/{second.pk}/submit/")
    assert response.status_code == 400
    page = response.content.decode()
    assert "loopt al een verzoek bij het coördinatiepunt" in page
    assert first.code not in page


def test_the_coordinators_are_notified_once_without_the_youth(
    cast: Cast, make_referral: Any, api_client_for: Any
) -> None:
    first = make_referral(submit=True)
    second = make_referral(by=cast.referrer2)
    client = api_client_for(cast.referrer2)
    for _attempt in range(2):  # trying again does not notify again
        assert client.post(f"/api/v1/referrals/{second.pk}/submit/").status_code == 400
    notes = duplicate_notifications()
    assert [n.recipient for n in notes] == [cast.coordinator]
    assert first.code in notes[0].message and second.code in notes[0].message
    for fact in IDENTIFYING:
        assert fact not in notes[0].message
    # No referrer is told.
    assert not Notification.objects.filter(
        kind="referral.duplicate_youth", recipient__role=Role.REFERRER
    ).exists()


def test_same_organisation_is_told_the_code_and_nobody_is_notified(
    cast: Cast, make_referral: Any, api_client_for: Any
) -> None:
    first = make_referral(submit=True)
    second = make_referral(by=cast.referrer_colleague)
    response = api_client_for(cast.referrer_colleague).post(
        f"/api/v1/referrals/{second.pk}/submit/"
    )
    assert response.status_code == 400
    assert first.code in response.json()["errors"]["youth.bsn"][0]
    assert duplicate_notifications() == []


def test_once_the_first_is_closed_the_second_goes_through(
    cast: Cast, make_referral: Any, api_client_for: Any
) -> None:
    from referrals.services import referral_close

    first = make_referral(submit=True)
    second = make_referral(by=cast.referrer2)
    client = api_client_for(cast.referrer2)
    assert client.post(f"/api/v1/referrals/{second.pk}/submit/").status_code == 400
    referral_close(referral=first, by=cast.coordinator, outcome="withdrawn")
    response = client.post(f"/api/v1/referrals/{second.pk}/submit/")
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
