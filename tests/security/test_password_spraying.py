"""Password spraying (issue 24, point 3): many usernames from one address are slowed with
429, for that address only; signing out ends the token the sign-in made."""

from axes.models import AccessAttempt
from django.test import Client
from pytest_django import Settings as SettingsWrapper
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD

TOKEN = "/api/v1/auth/token/"
SPRAY = "Te veel mislukte aanmeldpogingen vanaf dit adres"


def test_forty_usernames_from_one_address_get_429_before_the_last(cast: Cast) -> None:
    attacker = APIClient(REMOTE_ADDR="203.0.113.7")
    statuses = [
        attacker.post(
            TOKEN, {"username": f"user{i}", "password": "Welkom01!"}, format="json"
        ).status_code
        for i in range(40)
    ]
    assert 429 in statuses[:39]
    first = statuses.index(429)
    assert all(s == 400 for s in statuses[:first])
    assert all(s == 429 for s in statuses[first:])
    response = attacker.post(TOKEN, {"username": "coordinator", "password": "x"}, format="json")
    assert response.status_code == 429
    assert SPRAY in response.json()["detail"]
    assert response["Retry-After"] == "900"

    # The real user elsewhere is not locked out, and neither is the account.
    elsewhere = APIClient(REMOTE_ADDR="198.51.100.20")
    response = elsewhere.post(
        TOKEN, {"username": "coordinator", "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 200


def test_the_sign_in_page_answers_429_in_dutch(cast: Cast, settings: SettingsWrapper) -> None:
    settings.AXES_ADDRESS_FAILURE_LIMIT = 6
    client = Client(REMOTE_ADDR="203.0.113.8")
    for i in range(6):
        client.post("/accounts/login/", {"username": f"user{i}", "password": "x"})
    response = client.post("/accounts/login/", {"username": "coordinator", "password": "x"})
    assert response.status_code == 429
    assert SPRAY in response.content.decode()
    other = Client(REMOTE_ADDR="198.51.100.21")
    response = other.post(
        "/accounts/login/", {"username": "coordinator", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302


def test_a_few_typos_behind_a_shared_proxy_lock_nobody_else(cast: Cast) -> None:
    """Under the address limit, only the username+address pair is locked."""
    proxy = "192.0.2.1"
    typist = Client(REMOTE_ADDR=proxy)
    for _i in range(5):
        typist.post("/accounts/login/", {"username": "referrer", "password": "x"})
    assert AccessAttempt.objects.filter(ip_address=proxy).exists()
    colleague = Client(REMOTE_ADDR=proxy)
    response = colleague.post(
        "/accounts/login/", {"username": "coordinator", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302


def test_api_logout_revokes_the_token_of_that_sign_in(cast: Cast) -> None:
    client = APIClient()
    first = client.post(
        TOKEN, {"username": "coordinator", "password": TEST_PASSWORD, "name": "a"}, format="json"
    ).json()["token"]
    second = client.post(
        TOKEN, {"username": "coordinator", "password": TEST_PASSWORD, "name": "b"}, format="json"
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert client.get("/api/v1/auth/me/").status_code == 200
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert client.get("/api/v1/auth/me/").status_code == 401
    assert client.post("/api/v1/auth/logout/").status_code == 401
    assert ApiToken.objects.get(name="a").revoked_at is not None
    client.credentials(HTTP_AUTHORIZATION=f"Token {second}")
    assert client.get("/api/v1/auth/me/").status_code == 200


def test_api_logout_needs_a_sign_in(cast: Cast) -> None:
    assert APIClient().post("/api/v1/auth/logout/").status_code == 401


def test_api_logout_with_a_session_ends_it(cast: Cast) -> None:
    client = APIClient(enforce_csrf_checks=False)
    client.force_login(cast.coordinator)
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert client.get("/api/v1/auth/me/").status_code in (401, 403)
