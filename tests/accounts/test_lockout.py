"""Lock-out after repeated failed sign-ins (django-axes): per username and address."""

from datetime import timedelta

from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from tests.conftest import Cast
from tests.factories import TEST_PASSWORD

LOCKED = "Te veel mislukte aanmeldpogingen"


def fail(client: Client, username: str = "coordinator", times: int = 1) -> None:
    for _ in range(times):
        client.post("/accounts/login/", {"username": username, "password": "wrong"})


def test_five_failures_lock_the_username_with_a_dutch_page(client: Client, cast: Cast) -> None:
    fail(client, times=4)
    response = client.post("/accounts/login/", {"username": "coordinator", "password": "wrong"})
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page
    assert "15 minuten geblokkeerd" in page
    assert 'name="password"' in page  # the sign-in page itself, not a bare error page
    assert response["Retry-After"] == "900"

    # Even the right password does not open a session now.
    response = client.post(
        "/accounts/login/", {"username": "coordinator", "password": TEST_PASSWORD}
    )
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert client.get("/").status_code == 302


def test_four_failures_then_success_resets_the_count(client: Client, cast: Cast) -> None:
    fail(client, times=4)
    response = client.post(
        "/accounts/login/", {"username": "coordinator", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    client.post("/accounts/logout/")
    fail(client, times=4)
    response = client.post(
        "/accounts/login/", {"username": "coordinator", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302


def test_the_lock_is_per_username_and_address(client: Client, cast: Cast) -> None:
    fail(client, times=5)
    # Another user from the same address is not locked out…
    response = client.post("/accounts/login/", {"username": "referrer", "password": TEST_PASSWORD})
    assert response.status_code == 302
    # …nor the same user from another address.
    other = Client(REMOTE_ADDR="10.1.2.3")
    response = other.post(
        "/accounts/login/", {"username": "coordinator", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302


def test_the_lock_ends_after_the_cool_off(client: Client, cast: Cast) -> None:
    fail(client, times=5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = client.post(
        "/accounts/login/", {"username": "coordinator", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302


def test_the_token_endpoint_counts_and_is_locked_too(cast: Cast) -> None:
    client = APIClient()
    body = {"username": "referrer", "password": "wrong"}
    for _ in range(4):
        assert client.post("/api/v1/auth/token/", body, format="json").status_code == 400
    response = client.post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 429
    assert LOCKED in response.json()["detail"]
    response = client.post(
        "/api/v1/auth/token/", {"username": "referrer", "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 429


def test_browser_and_api_failures_add_up(client: Client, cast: Cast) -> None:
    fail(client, username="referrer", times=3)
    api = APIClient()
    body = {"username": "referrer", "password": "wrong"}
    assert api.post("/api/v1/auth/token/", body, format="json").status_code == 400
    assert api.post("/api/v1/auth/token/", body, format="json").status_code == 429
    response = client.post("/accounts/login/", {"username": "referrer", "password": TEST_PASSWORD})
    assert response.status_code == 429


def test_the_admin_sign_in_counts_too(client: Client, cast: Cast) -> None:
    for _ in range(5):
        response = client.post("/admin/login/", {"username": "admin", "password": "wrong"})
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
