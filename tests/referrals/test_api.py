"""The referral API of CONTRACT.md: create, list, detail, submit, request-info, close."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuditEntry, User
from referrals.models import Referral
from tests.conftest import Cast
from tests.referrals.conftest import OTHER_BSN, complete_payload

pytestmark = pytest.mark.django_db
Client = Callable[[User | None], APIClient]


def test_referrer_creates_a_draft(cast: Cast, api_client_for: Client) -> None:
    response = api_client_for(cast.referrer).post(
        "/api/v1/referrals/", complete_payload(), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["code"].startswith(f"ROP-{timezone.localdate().year}-")
    referral = Referral.objects.get(pk=body["id"])
    assert referral.youth.municipality is not None
    assert referral.youth.municipality.code == "GM0307"
    assert referral.current_analysis is not None
    assert referral.current_analysis.needed_care_forms == ["treatment_group", "family_home"]
    assert referral.youth_age(on=referral.youth.birth_date + timedelta(days=366 * 15)) == 15


def test_codes_are_sequential(cast: Cast, api_client_for: Client) -> None:
    client = api_client_for(cast.referrer)
    first = client.post("/api/v1/referrals/", {}, format="json").json()["code"]
    second = client.post("/api/v1/referrals/", {}, format="json").json()["code"]
    assert int(second.rsplit("-", 1)[1]) == int(first.rsplit("-", 1)[1]) + 1


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"youth": {"bsn": "12ab"}}, "youth.bsn"),
        ({"youth": {"birth_date": "3 mei"}}, "youth.birth_date"),
        ({"youth": {"gender": "q"}}, "youth.gender"),
        ({"youth": {"postcode": "ABCD 12"}}, "youth.postcode"),
        ({"youth": {"municipality": "GM9999"}}, "youth.municipality"),
        ({"youth": "Zoë"}, "youth"),
        ({"legal_status": "prison"}, "legal_status"),
        ({"previous_placements": -1}, "previous_placements"),
        ({"previous_placements": "veel"}, "previous_placements"),
        ({"explanatory_analysis": {"needed_care_forms": ["castle"]}}, None),
        ({"explanatory_analysis": {"intensity": "A"}}, "explanatory_analysis.intensity"),
        ({"explanatory_analysis": {"completed_on": "gisteren"}}, None),
        ({"requested_start": 12}, "requested_start"),
    ],
)
def test_bad_input_is_400_naming_the_field(
    cast: Cast, api_client_for: Client, body: dict[str, Any], path: str | None
) -> None:
    response = api_client_for(cast.referrer).post("/api/v1/referrals/", body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    if path is not None:
        assert path in errors, errors
    else:
        assert any(key.startswith("explanatory_analysis.") for key in errors), errors
    assert not Referral.objects.exists()


@pytest.mark.parametrize("raw", [b"[1, 2]", b"not json", b'"x"', b"null"])
def test_garbage_bodies_never_500(cast: Cast, api_client_for: Client, raw: bytes) -> None:
    response = api_client_for(cast.referrer).post(
        "/api/v1/referrals/", raw, content_type="application/json"
    )
    assert response.status_code == 400


def test_submit_answers_submitted(cast: Cast, api_client_for: Client, make_referral: Any) -> None:
    referral = make_referral()
    response = api_client_for(cast.referrer).post(f"/api/v1/referrals/{referral.pk}/submit/")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"


def test_submit_names_every_problem_at_once(
    cast: Cast, api_client_for: Client, make_referral: Any
) -> None:
    referral = make_referral(
        perspective_plan="",
        safety_plan="",
        care_question="",
        explanatory_analysis={"problems": "Zoë loopt weg sinds 3 mei 2011."},
    )
    referral.youth.bsn = "123456789"  # fails the eleven test
    referral.youth.save()
    response = api_client_for(cast.referrer).post(f"/api/v1/referrals/{referral.pk}/submit/")
    assert response.status_code == 400
    errors = response.json()["errors"]
    for path in [
        "perspective_plan",
        "safety_plan",
        "care_question",
        "youth.bsn",
        "explanatory_analysis.explaining_factors",
        "explanatory_analysis.needed_care_forms",
        "explanatory_analysis.author_name",
        "explanatory_analysis.completed_on",
    ]:
        assert path in errors, (path, errors)
    assert len(errors["explanatory_analysis.problems"]) == 2  # name and birth date
    referral.refresh_from_db()
    assert referral.status == "draft"


def test_referral_without_analysis_cannot_be_submitted(cast: Cast, api_client_for: Client) -> None:
    body = complete_payload()
    del body["explanatory_analysis"]
    created = api_client_for(cast.referrer).post("/api/v1/referrals/", body, format="json").json()
    response = api_client_for(cast.referrer).post(f"/api/v1/referrals/{created['id']}/submit/")
    assert response.status_code == 400
    assert "explanatory_analysis" in response.json()["errors"]


def test_list_is_scoped_and_paginated(
    cast: Cast, api_client_for: Client, make_referral: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        make_referral()
    make_referral(by=cast.referrer2)
    client = api_client_for(cast.referrer_colleague)
    with django_assert_max_num_queries(4):
        body = client.get("/api/v1/referrals/").json()
    assert body["count"] == 3
    for _ in range(5):
        make_referral()
    with django_assert_max_num_queries(4):
        body = client.get("/api/v1/referrals/").json()
    assert body["count"] == 8


def test_coordinator_lists_submitted_referrals_of_its_regions(
    cast: Cast, api_client_for: Client, make_referral: Any
) -> None:
    submitted = make_referral(submit=True)
    make_referral(youth={**complete_payload()["youth"], "bsn": OTHER_BSN})  # draft
    body = api_client_for(cast.coordinator).get("/api/v1/referrals/").json()
    assert [row["id"] for row in body["results"]] == [submitted.pk]


def test_detail_has_the_identity_and_audits_the_read(
    cast: Cast, api_client_for: Client, make_referral: Any
) -> None:
    referral = make_referral(submit=True)
    for user in (cast.referrer, cast.referrer_colleague, cast.coordinator):
        response = api_client_for(user).get(f"/api/v1/referrals/{referral.pk}/")
        assert response.status_code == 200
        assert response.json()["youth"]["bsn"] == "111222333"
        assert response.json()["explanatory_analysis"]["version"] == 1
        assert AuditEntry.objects.filter(
            user=user, action="youth.read", referral_id=referral.pk, outcome="allowed"
        ).exists()


@pytest.mark.parametrize("who", ["referrer2", "provider_a", "analyst", "admin"])
def test_detail_outside_scope_is_404_and_audited(
    cast: Cast, api_client_for: Client, make_referral: Any, who: str
) -> None:
    referral = make_referral(submit=True)
    user = getattr(cast, who)
    response = api_client_for(user).get(f"/api/v1/referrals/{referral.pk}/")
    assert response.status_code == 404
    assert AuditEntry.objects.filter(user=user, referral_id=referral.pk, outcome="refused").exists()


def test_coordinator_cannot_read_a_draft(
    cast: Cast, api_client_for: Client, make_referral: Any
) -> None:
    referral = make_referral()
    assert (
        api_client_for(cast.coordinator).get(f"/api/v1/referrals/{referral.pk}/").status_code == 404
    )


@pytest.mark.parametrize("who", ["provider_a", "analyst", "admin"])
def test_list_and_create_refuse_other_roles(cast: Cast, api_client_for: Client, who: str) -> None:
    client = api_client_for(getattr(cast, who))
    assert client.get("/api/v1/referrals/").status_code == 404
    assert client.post("/api/v1/referrals/", {}, format="json").status_code == 404


def test_coordinator_cannot_create(cast: Cast, api_client_for: Client) -> None:
    response = api_client_for(cast.coordinator).post("/api/v1/referrals/", {}, format="json")
    assert response.status_code == 404
    assert AuditEntry.objects.filter(user=cast.coordinator, outcome="refused").exists()


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", ""),
        ("post", ""),
        ("get", "1/"),
        ("post", "1/submit/"),
        ("post", "1/request-info/"),
        ("post", "1/close/"),
    ],
)
def test_anonymous_is_401(cast: Cast, api_client_for: Client, method: str, suffix: str) -> None:
    response = getattr(api_client_for(None), method)(f"/api/v1/referrals/{suffix}")
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("who", "action", "body", "expected"),
    [
        ("referrer", "submit", {}, 200),
        ("referrer_colleague", "submit", {}, 200),
        ("referrer2", "submit", {}, 404),
        ("coordinator", "submit", {}, 404),
        ("provider_a", "submit", {}, 404),
        ("analyst", "submit", {}, 404),
        ("referrer", "close", {"outcome": "withdrawn"}, 200),
        ("referrer2", "close", {"outcome": "withdrawn"}, 404),
        ("provider_a", "close", {"outcome": "withdrawn"}, 404),
        ("analyst", "close", {"outcome": "withdrawn"}, 404),
        ("referrer", "request-info", {"question": "Welke school?"}, 404),
        ("provider_a", "request-info", {"question": "Welke school?"}, 404),
    ],
)
def test_actions_role_matrix_on_a_draft(
    cast: Cast,
    api_client_for: Client,
    make_referral: Any,
    who: str,
    action: str,
    body: dict[str, str],
    expected: int,
) -> None:
    referral = make_referral()
    response = api_client_for(getattr(cast, who)).post(
        f"/api/v1/referrals/{referral.pk}/{action}/", body, format="json"
    )
    assert response.status_code == expected, response.content
    if expected == 404:
        assert AuditEntry.objects.filter(referral_id=referral.pk, outcome="refused").exists()


@pytest.mark.parametrize(
    ("who", "expected"),
    [("coordinator", 200), ("referrer", 404), ("referrer2", 404), ("provider_a", 404)],
)
def test_request_info_role_matrix(
    cast: Cast, api_client_for: Client, make_referral: Any, who: str, expected: int
) -> None:
    referral = make_referral(submit=True)
    response = api_client_for(getattr(cast, who)).post(
        f"/api/v1/referrals/{referral.pk}/request-info/",
        {"question": "Welke school?"},
        format="json",
    )
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["status"] == "needs_info"


def test_request_info_needs_a_question(
    cast: Cast, api_client_for: Client, make_referral: Any
) -> None:
    referral = make_referral(submit=True)
    response = api_client_for(cast.coordinator).post(
        f"/api/v1/referrals/{referral.pk}/request-info/", {"question": "  "}, format="json"
    )
    assert response.status_code == 400
    assert "question" in response.json()["errors"]


def test_close_needs_a_known_outcome(
    cast: Cast, api_client_for: Client, make_referral: Any
) -> None:
    referral = make_referral(submit=True)
    client = api_client_for(cast.coordinator)
    response = client.post(
        f"/api/v1/referrals/{referral.pk}/close/", {"outcome": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "outcome" in response.json()["errors"]
    response = client.post(
        f"/api/v1/referrals/{referral.pk}/close/", {"outcome": "resolved_at_home"}, format="json"
    )
    assert response.json()["status"] == "closed"
    again = client.post(
        f"/api/v1/referrals/{referral.pk}/close/", {"outcome": "withdrawn"}, format="json"
    )
    assert again.status_code == 409


def test_submitting_twice_is_409(cast: Cast, api_client_for: Client, make_referral: Any) -> None:
    referral = make_referral(submit=True)
    response = api_client_for(cast.referrer).post(f"/api/v1/referrals/{referral.pk}/submit/")
    assert response.status_code == 409


def test_unknown_id_is_404(cast: Cast, api_client_for: Client) -> None:
    assert api_client_for(cast.referrer).get("/api/v1/referrals/999999/").status_code == 404


def test_va_older_than_the_setting_blocks_submit(
    cast: Cast, api_client_for: Client, make_referral: Any, settings: Any
) -> None:
    old = (timezone.localdate() - timedelta(days=settings.VA_MAX_AGE_DAYS + 1)).isoformat()
    analysis = {**complete_payload()["explanatory_analysis"], "completed_on": old}
    referral = make_referral(explanatory_analysis=analysis)
    response = api_client_for(cast.referrer).post(f"/api/v1/referrals/{referral.pk}/submit/")
    assert "explanatory_analysis.completed_on" in response.json()["errors"]
