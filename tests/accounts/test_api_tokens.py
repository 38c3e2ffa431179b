"""API tokens: a new named token per sign-in, only a hash stored, listed and revoked by
their owner, refused once expired or revoked."""

import hashlib
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, AuditEntry, User
from accounts.tokens import api_token_create
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD

MakeClient = Callable[[User | None], APIClient]


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def sign_in_for_token(username: str) -> str:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    return str(response.json()["token"])


def test_a_new_sign_in_replaces_the_token_of_the_same_name(cast: Cast) -> None:
    """Issue 18, point 17: every sign-in minted another 90-day token."""
    first, second = sign_in_for_token("referrer"), sign_in_for_token("referrer")
    assert first != second
    tokens = ApiToken.objects.filter(user=cast.referrer)
    assert tokens.count() == 2
    assert {t.name for t in tokens} == {"api"}
    assert ApiToken.objects.usable().filter(user=cast.referrer).count() == 1
    assert token_client(first).get("/api/v1/auth/tokens/").status_code == 401
    assert token_client(second).get("/api/v1/auth/tokens/").status_code == 200
    assert (
        AuditEntry.objects.filter(
            user=cast.referrer, action="api_token.replace", object_type="api_token"
        ).count()
        == 1
    )


def test_only_a_hash_of_the_key_is_stored(cast: Cast) -> None:
    key = sign_in_for_token("referrer")
    token = ApiToken.objects.get(user=cast.referrer)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    stored = " ".join(str(v) for v in ApiToken.objects.values_list().get())
    assert key not in stored
    assert len(key) >= 43  # 32 random bytes


def test_a_token_expires_after_the_configured_days(cast: Cast) -> None:
    token, _key = api_token_create(user=cast.referrer, name="x")
    assert token.expires_at - token.created_at == pytest.approx(
        timedelta(days=90), abs=timedelta(seconds=5)
    )


def test_expired_revoked_unknown_and_malformed_tokens_get_401(cast: Cast) -> None:
    expired, expired_key = api_token_create(user=cast.referrer, name="old")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    revoked, revoked_key = api_token_create(user=cast.referrer, name="gone")
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    for key in [expired_key, revoked_key, "not-a-key"]:
        assert token_client(key).get("/api/v1/auth/tokens/").status_code == 401
    for header in ["Token", "Token a b"]:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        assert client.get("/api/v1/auth/tokens/").status_code == 401


def test_a_deactivated_users_token_gets_401(cast: Cast) -> None:
    _token, key = api_token_create(user=cast.referrer, name="x")
    User.objects.filter(pk=cast.referrer.pk).update(is_active=False)
    assert token_client(key).get("/api/v1/auth/tokens/").status_code == 401


def test_use_is_recorded(cast: Cast) -> None:
    token, key = api_token_create(user=cast.referrer, name="x")
    assert token.last_used_at is None
    token_client(key).get("/api/v1/auth/tokens/")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_the_list_shows_only_own_tokens_without_keys(
    cast: Cast, api_client_for: MakeClient, django_assert_max_num_queries: Callable[..., object]
) -> None:
    mine = [api_token_create(user=cast.referrer, name=f"k{i}")[0] for i in range(3)]
    theirs, their_key = api_token_create(user=cast.referrer2, name="elders")
    client = api_client_for(cast.referrer)
    with django_assert_max_num_queries(2):  # type: ignore[operator]
        response = client.get("/api/v1/auth/tokens/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert {row["id"] for row in rows} == {t.pk for t in mine}
    assert theirs.pk not in {row["id"] for row in rows}
    assert set(rows[0]) == {
        "id",
        "name",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "is_usable",
    }
    assert their_key not in response.content.decode()


def test_the_owner_revokes_a_token(cast: Cast) -> None:
    token, key = api_token_create(user=cast.referrer, name="x")
    _other, other_key = api_token_create(user=cast.referrer, name="y")
    response = token_client(other_key).delete(f"/api/v1/auth/tokens/{token.pk}/")
    assert response.status_code == 204
    assert token_client(key).get("/api/v1/auth/tokens/").status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None
    # Revoking again changes nothing.
    assert token_client(other_key).delete(f"/api/v1/auth/tokens/{token.pk}/").status_code == 204


def test_it_requires_ownership_to_revoke(cast: Cast, api_client_for: MakeClient) -> None:
    token, key = api_token_create(user=cast.referrer, name="x")
    for user in [cast.referrer_colleague, cast.referrer2, cast.coordinator, cast.admin]:
        assert api_client_for(user).delete(f"/api/v1/auth/tokens/{token.pk}/").status_code == 404
    assert api_client_for(None).delete(f"/api/v1/auth/tokens/{token.pk}/").status_code == 401
    assert api_client_for(None).get("/api/v1/auth/tokens/").status_code == 401
    assert token_client(key).get("/api/v1/auth/tokens/").status_code == 200


# The browser page "Mijn API-sleutels".


def test_the_page_makes_a_key_and_shows_it_once(client: Client, cast: Cast) -> None:
    client.force_login(cast.provider_a)
    response = client.post("/accounts/api-sleutels/", {"name": "Cliëntsysteem"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=cast.provider_a)
    assert token.name == "Cliëntsysteem"
    page = response.content.decode()
    key = page.split('data-testid="new-key"')[1].split("<code>")[1].split("</code>")[0]
    assert hashlib.sha256(key.encode()).hexdigest() == token.key_hash
    assert token_client(key).get("/api/v1/auth/tokens/").status_code == 200

    page = client.get("/accounts/api-sleutels/").content.decode()
    assert "Cliëntsysteem" in page
    assert key not in page


def test_the_page_names_a_missing_name(client: Client, cast: Cast) -> None:
    client.force_login(cast.provider_a)
    response = client.post("/accounts/api-sleutels/", {"name": ""})
    assert "Geef de sleutel een naam." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_page_lists_only_own_keys(client: Client, cast: Cast) -> None:
    api_token_create(user=cast.provider_b, name="Van B")
    api_token_create(user=cast.provider_a, name="Van A")
    client.force_login(cast.provider_a)
    page = client.get("/accounts/api-sleutels/").content.decode()
    assert "Van A" in page
    assert "Van B" not in page


def test_the_page_revokes_own_keys_only(client: Client, cast: Cast) -> None:
    mine, _ = api_token_create(user=cast.provider_a, name="A")
    theirs, _ = api_token_create(user=cast.provider_b, name="B")
    client.force_login(cast.provider_a)
    assert client.post(f"/accounts/api-sleutels/{theirs.pk}/intrekken/").status_code == 404
    response = client.post(f"/accounts/api-sleutels/{mine.pk}/intrekken/", follow=True)
    assert "is ingetrokken" in response.content.decode()
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None
    assert theirs.revoked_at is None


def test_the_admin_revokes_any_token(client: Client, cast: Cast) -> None:
    cast.admin.is_staff = True
    cast.admin.is_superuser = True
    cast.admin.save()
    token, key = api_token_create(user=cast.referrer, name="gelekt")
    client.force_login(cast.admin)
    page = client.get("/admin/accounts/apitoken/").content.decode()
    assert "gelekt" in page
    change_page = client.get(f"/admin/accounts/apitoken/{token.pk}/change/")
    assert change_page.status_code == 200
    assert token.key_hash not in change_page.content.decode()
    response = client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    assert token_client(key).get("/api/v1/auth/tokens/").status_code == 401
