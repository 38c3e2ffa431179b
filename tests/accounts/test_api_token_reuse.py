"""API tokens per name and per user (issue 18, point 17): a sign-in replaces the token of its
name, a user holds at most API_TOKEN_MAX_PER_USER usable tokens, and sees and revokes them."""

from collections.abc import Callable

import pytest
from django.test import Client
from pytest_django import Settings as SettingsWrapper
from rest_framework.test import APIClient

from accounts.models import ApiToken, AuditEntry, User
from accounts.tokens import api_token_create
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
MakeClient = Callable[[User | None], APIClient]


def sign_in(username: str, **extra: str) -> APIClient:
    response = APIClient().post(
        TOKEN_URL, {"username": username, "password": TEST_PASSWORD, **extra}, format="json"
    )
    assert response.status_code == 200, response.content
    return token_client(response.json()["token"])


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def usable(user: User) -> list[str]:
    return list(ApiToken.objects.usable().filter(user=user).values_list("name", flat=True))


def test_an_afternoon_of_sign_ins_leaves_one_token(cast: Cast) -> None:
    clients = [sign_in("provider_a") for _i in range(11)]
    assert usable(cast.provider_a) == ["api"]
    assert [c.get("/api/v1/auth/me/").status_code for c in clients] == [401] * 10 + [200]


def test_each_name_keeps_its_own_token(cast: Cast) -> None:
    crm = sign_in("provider_a", name="CRM")
    planning = sign_in("provider_a", name="planning")
    crm_again = sign_in("provider_a", name="  crm ")
    assert sorted(usable(cast.provider_a)) == ["crm", "planning"]
    assert crm.get("/api/v1/auth/me/").status_code == 401
    assert planning.get("/api/v1/auth/me/").status_code == 200
    assert crm_again.get("/api/v1/auth/me/").status_code == 200


def test_another_users_sign_in_replaces_nothing(cast: Cast) -> None:
    mine = sign_in("provider_a")
    sign_in("provider_b")
    assert mine.get("/api/v1/auth/me/").status_code == 200


def test_at_most_the_configured_number_of_tokens(cast: Cast, settings: SettingsWrapper) -> None:
    settings.API_TOKEN_MAX_PER_USER = 3
    clients = [sign_in("provider_a", name=f"systeem {i}") for i in range(5)]
    assert sorted(usable(cast.provider_a)) == ["systeem 2", "systeem 3", "systeem 4"]
    assert [c.get("/api/v1/auth/me/").status_code for c in clients] == [401, 401, 200, 200, 200]


def test_the_default_limit_is_five(cast: Cast) -> None:
    for i in range(7):
        api_token_create(user=cast.provider_a, name=f"s{i}")
    assert len(usable(cast.provider_a)) == 5


def test_a_bad_name_is_refused_and_changes_nothing(cast: Cast) -> None:
    before = sign_in("provider_a")
    response = APIClient().post(
        TOKEN_URL,
        {"username": "provider_a", "password": TEST_PASSWORD, "name": "x" * 101},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["name"]
    assert before.get("/api/v1/auth/me/").status_code == 200
    assert ApiToken.objects.filter(user=cast.provider_a).count() == 1


def test_the_api_lists_own_tokens_and_revokes_with_an_audit_entry(
    cast: Cast, api_client_for: MakeClient
) -> None:
    client = sign_in("provider_a", name="CRM")
    other, _key = api_token_create(user=cast.provider_a, name="planning")
    theirs, _key = api_token_create(user=cast.provider_b, name="van B")
    rows = client.get("/api/v1/auth/tokens/").json()
    listed = rows["results"] if isinstance(rows, dict) else rows
    assert sorted(r["name"] for r in listed) == ["CRM", "planning"]
    assert all("key" not in r and "key_hash" not in r for r in listed)
    assert client.delete(f"/api/v1/auth/tokens/{theirs.pk}/").status_code == 404
    assert client.delete(f"/api/v1/auth/tokens/{other.pk}/").status_code == 204
    assert AuditEntry.objects.filter(
        user=cast.provider_a, action="api_token.revoke", object_id=str(other.pk)
    ).exists()
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_the_page_asks_to_confirm_before_revoking(cast: Cast) -> None:
    token, key = api_token_create(user=cast.provider_a, name="CRM")
    theirs, _key = api_token_create(user=cast.provider_b, name="van B")
    client = Client()
    client.force_login(cast.provider_a)
    page = client.get("/accounts/api-sleutels/").content.decode()
    assert f'method="get" action="/accounts/api-sleutels/{token.pk}/intrekken/"' in page
    confirm = client.get(f"/accounts/api-sleutels/{token.pk}/intrekken/")
    assert confirm.status_code == 200
    assert "Weet u zeker dat u de sleutel ‘CRM’ wilt intrekken?" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None  # a GET changes nothing
    assert client.get(f"/accounts/api-sleutels/{theirs.pk}/intrekken/").status_code == 404
    assert client.post(f"/accounts/api-sleutels/{theirs.pk}/intrekken/").status_code == 404
    response = client.post(f"/accounts/api-sleutels/{token.pk}/intrekken/")
    assert response.status_code == 302
    assert token_client(key).get("/api/v1/auth/me/").status_code == 401
    assert AuditEntry.objects.filter(
        user=cast.provider_a, action="api_token.revoke", object_id=str(token.pk)
    ).exists()
    # Once revoked, the confirmation page goes back to the list.
    assert client.get(f"/accounts/api-sleutels/{token.pk}/intrekken/").status_code == 302
