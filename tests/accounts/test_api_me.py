"""GET /api/v1/auth/me/: who the caller is, with no query beyond authentication (the
benchmark's baseline)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.tokens import api_token_create
from tests.conftest import Cast


def test_me_answers_user_role_and_organisation(cast: Cast) -> None:
    _token, key = api_token_create(user=cast.provider_a)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get("/api/v1/auth/me/")
    assert response.status_code == 200
    assert response.json() == {
        "id": cast.provider_a.pk,
        "username": "provider_a",
        "role": "provider",
        "organisation": {
            "id": cast.provider_a_org.pk,
            "name": "Aanbieder A",
            "kind": "provider",
        },
    }


def test_me_adds_no_query_to_the_token_check(cast: Cast) -> None:
    _token, key = api_token_create(user=cast.coordinator)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    client.get("/api/v1/auth/me/")  # the first use records last_used_at
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/auth/me/").status_code == 200
    # Only the authentication's token lookup (with user and organisation): last_used_at was
    # written less than a minute ago, so no update is sent.
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) == 1, sql
    assert "accounts_apitoken" in sql[0] and "accounts_organisation" in sql[0]


def test_me_refuses_anonymous(db: None) -> None:
    assert APIClient().get("/api/v1/auth/me/").status_code == 401
