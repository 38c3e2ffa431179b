"""With REQUIRE_2FA off, a user who linked an authenticator app is still asked for its code
(issue 18, point 18): on the sign-in pages and at the token endpoint."""

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django import Settings as SettingsWrapper
from rest_framework.test import APIClient

from tests.accounts.twofactor import enrolled_device, next_code
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

CODE_URL = "/accounts/tweestapsverificatie/"
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def two_factor_off(settings: SettingsWrapper) -> None:
    settings.REQUIRE_2FA = False


def wrong_code(device: TOTPDevice) -> str:
    return "000000" if next_code(device) != "000000" else "111111"


@pytest.mark.parametrize("username", ["provider_a", "analyst"])
def test_the_sign_in_page_asks_an_enrolled_user_for_the_code(
    client: Client, cast: Cast, username: str
) -> None:
    device = enrolled_device(getattr(cast, username))
    response = client.post("/accounts/login/", {"username": username, "password": TEST_PASSWORD})
    assert response["Location"].startswith(CODE_URL)
    # Without the code nothing opens: pages go to the code step, the API sees no session.
    assert client.get("/")["Location"].startswith(CODE_URL)
    assert client.get("/api/v1/auth/me/").status_code == 401

    response = client.post(CODE_URL, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "Deze code klopt niet of is verlopen" in response.content.decode()
    assert client.get("/")["Location"].startswith(CODE_URL)

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    response = client.post(CODE_URL, {"code": next_code(device)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/auth/me/").status_code == 200


def test_a_user_without_an_app_signs_in_with_the_password_alone(client: Client, cast: Cast) -> None:
    response = client.post(
        "/accounts/login/", {"username": "provider_a", "password": TEST_PASSWORD}
    )
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get(CODE_URL)["Location"] == "/"


def test_an_unconfirmed_enrolment_changes_nothing(client: Client, cast: Cast) -> None:
    TOTPDevice.objects.create(user=cast.provider_a, name="half", confirmed=False)
    response = client.post(
        "/accounts/login/", {"username": "provider_a", "password": TEST_PASSWORD}
    )
    assert response["Location"] == "/"


def test_the_token_endpoint_asks_an_enrolled_user_for_the_code(cast: Cast) -> None:
    device = enrolled_device(cast.provider_a)
    client = APIClient()
    body = {"username": "provider_a", "password": TEST_PASSWORD}

    response = client.post(TOKEN_URL, body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["otp_code"]

    response = client.post(TOKEN_URL, {**body, "otp_code": wrong_code(device)}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["otp_code"] == ["Deze code klopt niet of is verlopen."]
    assert not cast.provider_a.api_tokens.exists()

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    response = client.post(TOKEN_URL, {**body, "otp_code": next_code(device)}, format="json")
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/v1/auth/me/").json()["username"] == "provider_a"


def test_the_token_endpoint_needs_no_code_without_an_app(cast: Cast) -> None:
    response = APIClient().post(
        TOKEN_URL, {"username": "provider_a", "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 200
