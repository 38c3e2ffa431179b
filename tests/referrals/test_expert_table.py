"""The expert table as a step (issue 21, point 3): convened for a request with date,
disciplines and question; its advice and outcome move the request on."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuditEntry, User
from config.errors import Conflict, ValidationFailed
from referrals.models import ExpertTable, InfoRequest, Referral
from referrals.services import (
    expert_table_convene,
    expert_table_update,
    referral_start_matching,
)
from tests.conftest import Cast

pytestmark = pytest.mark.django_db
ApiClient = Callable[[User | None], APIClient]


def convene_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "convened_on": timezone.localdate(),
        "disciplines": ["youth_psychiatry", "orthopedagogy", "municipality"],
        "question": "Past een behandelgroep, of is eerst diagnostiek nodig?",
    }
    data.update(overrides)
    return data


def decide_data(outcome: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"advice": "Eerst klinische diagnostiek.", "outcome": outcome}
    data.update(overrides)
    return data


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def submitted(make_referral: Callable[..., Referral]) -> Referral:
    return make_referral(submit=True)


# --- services -------------------------------------------------------------------------------


def test_convening_keeps_the_flag_while_open(cast: Cast, submitted: Referral) -> None:
    table = expert_table_convene(referral=submitted, by=cast.coordinator, data=convene_data())
    submitted.refresh_from_db()
    assert submitted.expert_table  # the board and lists keep reading the flag
    assert table.outcome == ""
    assert submitted.events.filter(note="experttafel belegd").exists()
    assert AuditEntry.objects.filter(
        action="referral.expert_table_convene", object_id=str(table.pk)
    ).exists()


def test_back_to_matching_moves_the_request(cast: Cast, submitted: Referral) -> None:
    table = expert_table_convene(referral=submitted, by=cast.coordinator, data=convene_data())
    expert_table_update(table=table, by=cast.coordinator, data=decide_data("back_to_matching"))
    submitted.refresh_from_db()
    table.refresh_from_db()
    assert submitted.status == Referral.Status.MATCHING
    assert not submitted.expert_table
    assert table.decided_on == timezone.localdate()


def test_need_clarified_asks_the_referrer_for_a_new_va(cast: Cast, submitted: Referral) -> None:
    referral = referral_start_matching(referral=submitted, by=cast.coordinator)
    table = expert_table_convene(
        referral=referral,
        by=cast.coordinator,
        data={**convene_data(), **decide_data("need_clarified")},
    )
    referral.refresh_from_db()
    assert table.outcome == "need_clarified"
    assert referral.status == Referral.Status.NEEDS_INFO
    asked = InfoRequest.objects.get(referral=referral)
    assert "verklarende analyse" in asked.question
    page = client_for(cast.referrer).get(f"/referrals/{referral.pk}/").content.decode()
    assert 'data-testid="expert-va-prompt"' in page
    assert f"/referrals/{referral.pk}/edit/analysis/" in page


def test_special_arrangement_needs_a_note(cast: Cast, submitted: Referral) -> None:
    table = expert_table_convene(referral=submitted, by=cast.coordinator, data=convene_data())
    with pytest.raises(ValidationFailed) as failure:
        expert_table_update(
            table=table, by=cast.coordinator, data=decide_data("special_arrangement")
        )
    assert "outcome_note" in failure.value.errors
    table.refresh_from_db()
    assert table.outcome == ""


def test_a_decided_outcome_stays(cast: Cast, submitted: Referral) -> None:
    table = expert_table_convene(
        referral=submitted,
        by=cast.coordinator,
        data={**convene_data(), **decide_data("special_arrangement", outcome_note="Maatwerk.")},
    )
    with pytest.raises(Conflict):
        expert_table_update(table=table, by=cast.coordinator, data={"outcome": "back_to_matching"})
    # the texts may still be corrected
    expert_table_update(table=table, by=cast.coordinator, data={"advice": "Maatwerk thuis."})
    table.refresh_from_db()
    assert table.advice == "Maatwerk thuis."
    assert table.outcome == "special_arrangement"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"convened_on": None}, "convened_on"),
        ({"disciplines": []}, "disciplines"),
        ({"disciplines": ["astrology"]}, "disciplines"),
        ({"question": "  "}, "question"),
        ({"question": "Past dit?\x1b[31m"}, "question"),
        ({"outcome": "back_to_matching"}, "advice"),  # an outcome needs the advice
        ({"outcome": "perhaps", "advice": "x"}, "outcome"),
        (
            {
                "outcome": "back_to_matching",
                "advice": "x",
                "decided_on": timezone.localdate() - timedelta(days=3),
            },
            "decided_on",
        ),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    cast: Cast, submitted: Referral, overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationFailed) as failure:
        expert_table_convene(
            referral=submitted, by=cast.coordinator, data=convene_data(**overrides)
        )
    assert field in failure.value.errors
    assert not ExpertTable.objects.exists()
    submitted.refresh_from_db()
    assert submitted.status == Referral.Status.SUBMITTED


def test_a_closed_request_gets_no_expert_table(cast: Cast, submitted: Referral) -> None:
    from referrals.services import referral_close

    referral_close(referral=submitted, by=cast.coordinator, outcome="withdrawn")
    with pytest.raises(Conflict):
        expert_table_convene(referral=submitted, by=cast.coordinator, data=convene_data())


def test_the_database_holds_the_rules(cast: Cast, submitted: Referral) -> None:
    base = {
        "referral": submitted,
        "convened_by": cast.coordinator,
        "convened_on": timezone.localdate(),
        "question": "Vraag",
    }
    broken = [
        {"outcome": "back_to_matching", "advice": "x"},  # no decided_on
        {"outcome": "back_to_matching", "decided_on": timezone.localdate()},  # no advice
        {"decided_on": timezone.localdate()},  # a date without outcome
        {
            "outcome": "special_arrangement",
            "advice": "x",
            "decided_on": timezone.localdate(),
        },
        {
            "outcome": "back_to_matching",
            "advice": "x",
            "decided_on": timezone.localdate() - timedelta(days=1),
        },
    ]
    for overrides in broken:
        with pytest.raises(IntegrityError), transaction.atomic():
            ExpertTable.objects.create(**{**base, **overrides})


# --- API ------------------------------------------------------------------------------------


def test_api_convene_list_and_decide(
    cast: Cast, submitted: Referral, api_client_for: ApiClient
) -> None:
    client = api_client_for(cast.coordinator)
    url = f"/api/v1/referrals/{submitted.pk}/expert-tables/"
    body = {**convene_data(), "convened_on": timezone.localdate().isoformat()}
    response = client.post(url, body, format="json")
    assert response.status_code == 201, response.json()
    table_id = response.json()["id"]
    listed = client.get(url).json()
    assert listed[0]["disciplines"] == body["disciplines"]
    response = client.patch(
        f"/api/v1/expert-tables/{table_id}/", decide_data("back_to_matching"), format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["outcome"] == "back_to_matching"
    submitted.refresh_from_db()
    assert submitted.status == Referral.Status.MATCHING


def test_api_bad_input_is_400_naming_the_field(
    cast: Cast, submitted: Referral, api_client_for: ApiClient
) -> None:
    response = api_client_for(cast.coordinator).post(
        f"/api/v1/referrals/{submitted.pk}/expert-tables/",
        {"convened_on": timezone.localdate().isoformat(), "disciplines": ["youth_psychiatry"]},
        format="json",
    )
    assert response.status_code == 400
    assert "question" in str(response.json())
    assert not ExpertTable.objects.exists()


def test_api_the_referrer_sees_date_question_and_outcome_only(
    cast: Cast, submitted: Referral, api_client_for: ApiClient
) -> None:
    expert_table_convene(
        referral=submitted,
        by=cast.coordinator,
        data={**convene_data(), **decide_data("special_arrangement", outcome_note="Maatwerk.")},
    )
    shown = (
        api_client_for(cast.referrer).get(f"/api/v1/referrals/{submitted.pk}/expert-tables/").json()
    )
    assert set(shown[0]) == {"id", "convened_on", "question", "outcome", "decided_on"}


@pytest.mark.parametrize("role", ["provider_a", "analyst", "referrer2", "admin"])
def test_api_others_see_no_expert_table(
    cast: Cast, submitted: Referral, api_client_for: ApiClient, role: str
) -> None:
    table = expert_table_convene(referral=submitted, by=cast.coordinator, data=convene_data())
    client = api_client_for(getattr(cast, role))
    url = f"/api/v1/referrals/{submitted.pk}/expert-tables/"
    assert client.get(url).status_code == 404
    assert client.post(url, {}, format="json").status_code == 404
    response = client.patch(f"/api/v1/expert-tables/{table.pk}/", {}, format="json")
    assert response.status_code == 404


def test_api_the_referrer_may_not_convene_or_decide(
    cast: Cast, submitted: Referral, api_client_for: ApiClient
) -> None:
    table = expert_table_convene(referral=submitted, by=cast.coordinator, data=convene_data())
    client = api_client_for(cast.referrer)
    url = f"/api/v1/referrals/{submitted.pk}/expert-tables/"
    body = {**convene_data(), "convened_on": timezone.localdate().isoformat()}
    assert client.post(url, body, format="json").status_code == 404
    response = client.patch(
        f"/api/v1/expert-tables/{table.pk}/", decide_data("back_to_matching"), format="json"
    )
    assert response.status_code == 404
    assert ExpertTable.objects.count() == 1
    table.refresh_from_db()
    assert table.outcome == ""


# --- pages ----------------------------------------------------------------------------------


def test_convene_page_and_confirmed_outcome(cast: Cast, submitted: Referral) -> None:
    client = client_for(cast.coordinator)
    detail = client.get(f"/referrals/{submitted.pk}/").content.decode()
    assert 'data-testid="expert-tables-empty"' in detail
    url = f"/referrals/{submitted.pk}/experttafel/nieuw/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"convened_on": timezone.localdate().isoformat()})
    assert response.status_code == 400
    assert not ExpertTable.objects.exists()
    response = client.post(
        url,
        {
            "convened_on": timezone.localdate().isoformat(),
            "disciplines": ["youth_psychiatry", "education"],
            "question": "Welke zorgvorm past?",
        },
    )
    assert response.status_code == 302
    table = ExpertTable.objects.get()
    edit = f"/referrals/{submitted.pk}/experttafel/{table.pk}/"
    fields = {
        "convened_on": table.convened_on.isoformat(),
        "disciplines": table.disciplines,
        "question": table.question,
        "advice": "Terug naar matching met behandelgroep.",
        "outcome": "back_to_matching",
    }
    response = client.post(edit, fields)
    assert response.status_code == 200
    assert 'data-testid="expert-confirm"' in response.content.decode()
    table.refresh_from_db()
    assert table.outcome == ""  # not before the confirmation
    response = client.post(edit, {**fields, "confirmed": "1"})
    assert response.status_code == 302
    table.refresh_from_db()
    submitted.refresh_from_db()
    assert table.outcome == "back_to_matching"
    assert submitted.status == Referral.Status.MATCHING


@pytest.mark.parametrize("role", ["referrer", "provider_a", "analyst"])
def test_pages_are_the_coordinators(cast: Cast, submitted: Referral, role: str) -> None:
    table = expert_table_convene(referral=submitted, by=cast.coordinator, data=convene_data())
    client = client_for(getattr(cast, role))
    assert client.get(f"/referrals/{submitted.pk}/experttafel/nieuw/").status_code == 404
    edit = f"/referrals/{submitted.pk}/experttafel/{table.pk}/"
    assert client.get(edit).status_code == 404
    assert client.post(edit, decide_data("back_to_matching")).status_code == 404
    table.refresh_from_db()
    assert table.outcome == ""


def test_the_referrer_sees_the_table_without_its_advice(cast: Cast, submitted: Referral) -> None:
    expert_table_convene(
        referral=submitted,
        by=cast.coordinator,
        data={
            **convene_data(),
            **decide_data("special_arrangement", outcome_note="Maatwerk thuis met begeleiding."),
        },
    )
    page = client_for(cast.referrer).get(f"/referrals/{submitted.pk}/").content.decode()
    assert "Past een behandelgroep" in page
    assert "bijzonder arrangement" in page
    assert "Eerst klinische diagnostiek." not in page
    assert "jeugdpsychiatrie" not in page
