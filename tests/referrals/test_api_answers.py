"""API answers that say what happened: the stored answer, the real status, the field path."""

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from placement.models import Offer, Placement
from referrals.models import Referral
from tests.conftest import Cast
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db
Client = Callable[[User | None], APIClient]


def _matching(cast: Cast, api_client_for: Client, make_referral: Any) -> Referral:
    referral = make_referral(submit=True)
    response = api_client_for(cast.coordinator).post(
        f"/api/v1/referrals/{referral.pk}/start-matching/"
    )
    assert response.status_code == 200
    referral.refresh_from_db()
    return referral


def test_the_answer_to_a_question_is_stored(
    cast: Cast, api_client_for: Client, make_referral: Any
) -> None:
    referral = make_referral(submit=True)
    api_client_for(cast.coordinator).post(
        f"/api/v1/referrals/{referral.pk}/request-info/",
        {"question": "Welke school bezoekt de jongere?"},
        format="json",
    )
    client = api_client_for(cast.referrer)
    response = client.patch(
        f"/api/v1/referrals/{referral.pk}/",
        {"info_answer": "Het Eemland College, derde klas."},
        format="json",
    )
    assert response.status_code == 200
    referral.refresh_from_db()
    assert referral.info_answer == "Het Eemland College, derde klas."
    detail = client.get(f"/api/v1/referrals/{referral.pk}/").json()
    assert detail["info_answer"] == "Het Eemland College, derde klas."


def test_an_answer_with_identifying_data_cannot_be_submitted(
    cast: Cast, api_client_for: Client, make_referral: Any
) -> None:
    # The answer is free text like the plans: the same identity check applies on resubmit.
    referral = make_referral(submit=True)
    api_client_for(cast.coordinator).post(
        f"/api/v1/referrals/{referral.pk}/request-info/", {"question": "Wie?"}, format="json"
    )
    client = api_client_for(cast.referrer)
    client.patch(
        f"/api/v1/referrals/{referral.pk}/", {"info_answer": "Zoë van den Berg"}, format="json"
    )
    response = client.post(f"/api/v1/referrals/{referral.pk}/submit/")
    assert response.status_code == 400
    assert "info_answer" in response.json()["errors"]


def test_wait_answers_the_status_waiting(
    cast: Cast, api_client_for: Client, make_referral: Any
) -> None:
    referral = _matching(cast, api_client_for, make_referral)
    response = api_client_for(cast.coordinator).post(
        f"/api/v1/referrals/{referral.pk}/wait/",
        {"interim_support": "Ambulante gezinsbehandeling."},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "waiting"
    referral.refresh_from_db()
    assert referral.status == Referral.Status.WAITING


def test_a_bad_transport_funder_is_named_by_its_path(
    cast: Cast, api_client_for: Client, make_referral: Any
) -> None:
    referral = _matching(cast, api_client_for, make_referral)
    location = LocationFactory(
        provider=cast.provider_a_org,
        municipality=cast.municipality,
        regions=[cast.region],
        care_form="treatment_group",
        expertise=["youth_parenting", "mental_health"],
        age_min=10,
        age_max=18,
    )
    coordinator = api_client_for(cast.coordinator)
    response = coordinator.post(
        f"/api/v1/referrals/{referral.pk}/offers/", {"location": location.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    offer = Offer.objects.get(referral=referral)
    assert (
        api_client_for(cast.provider_a).post(f"/api/v1/offers/{offer.pk}/accept/").status_code
        == 200
    )
    response = coordinator.post(
        f"/api/v1/offers/{offer.pk}/place/",
        {
            "start_date": referral.requested_start.isoformat(),
            "school_transport": {"arrangement": "taxi", "funded_by": "de buurman"},
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["school_transport.funded_by"]
    assert not Placement.objects.exists()


@pytest.mark.parametrize("value", ["3-5-2011", "2011-05-03T10:00:00", "morgen"])
def test_a_bad_date_gets_a_dutch_message(
    cast: Cast, api_client_for: Client, make_referral: Any, value: str
) -> None:
    referral = make_referral()
    response = api_client_for(cast.referrer).patch(
        f"/api/v1/referrals/{referral.pk}/", {"requested_start": value}, format="json"
    )
    assert response.status_code == 400
    [message] = response.json()["errors"]["requested_start"]
    assert message.startswith("Vul een datum in als jjjj-mm-dd")
