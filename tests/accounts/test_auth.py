"""Sign-in, sign-out, each role's start page, and that anonymous users reach nothing else."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.conftest import Cast
from tests.factories import TEST_PASSWORD


def test_login_page_is_dutch(client: Client, db: None) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'lang="nl"' in content
    assert "Aanmelden" in content
    assert "Wachtwoord" in content


def test_it_signs_in_and_out(client: Client, cast: Cast) -> None:
    response = client.post(
        "/accounts/login/", {"username": "coordinator", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_it_refuses_a_wrong_password_in_dutch(client: Client, cast: Cast) -> None:
    response = client.post("/accounts/login/", {"username": "coordinator", "password": "nope"})
    assert response.status_code == 200
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in response.content.decode()
    assert client.get("/").status_code == 302


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("coordinator", "plaatsingscoördinator"),
        ("referrer", "Uw plaatsingsverzoeken"),
        ("provider_a", "vrije plekken actueel"),
        ("analyst", "U ziet geen persoonsgegevens"),
        ("admin", "Functioneel beheer"),
    ],
)
def test_each_role_sees_its_own_start_page(
    client: Client, cast: Cast, username: str, expected: str
) -> None:
    client.force_login(cast.all_users()[username])
    response = client.get("/")
    assert response.status_code == 200
    assert expected in response.content.decode()


@pytest.mark.parametrize(
    ("path", "login"), [("/", "/accounts/login/"), ("/admin/", "/admin/login/")]
)
def test_it_requires_sign_in_for_pages(client: Client, db: None, path: str, login: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(login)


@pytest.mark.parametrize("path", ["/api/v1/schema/", "/api/v1/docs/"])
def test_it_requires_authentication_for_the_api(db: None, path: str) -> None:
    assert APIClient().get(path).status_code == 401


def test_every_url_refuses_anonymous_users(client: Client, db: None) -> None:
    """Walk the URL configuration: only sign-in, health and static files are open (and the
    page script's question how long the session runs, which tells anonymous 0)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    open_names = {"login", "healthz", "api-token", "session-status"}
    checked = 0

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        nonlocal checked
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith("admin/"):
                    continue  # the admin has its own sign-in, tested above
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
                continue
            if (
                pattern.name in open_names
                or "<" in str(pattern.pattern)
                or "(?P" in str(pattern.pattern)
            ):
                continue
            path = "/" + prefix + str(pattern.pattern).lstrip("^").rstrip("$")
            response = client.get(path)
            assert response.status_code in (302, 401, 405), (path, response.status_code)
            if response.status_code == 302:
                assert response["Location"].startswith("/accounts/login/"), path
            checked += 1

    walk(get_resolver().url_patterns, "")
    assert checked >= 3


def test_token_endpoint_gives_a_token_that_authenticates(cast: Cast) -> None:
    client = APIClient()
    response = client.post(
        "/api/v1/auth/token/", {"username": "referrer", "password": TEST_PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/schema/").status_code == 200


def test_token_endpoint_refuses_bad_credentials_with_400(cast: Cast) -> None:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "referrer", "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert "errors" in response.json()


def test_token_endpoint_names_missing_fields(db: None) -> None:
    response = APIClient().post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"username", "password"}


def test_token_endpoint_rejects_malformed_json(db: None) -> None:
    response = APIClient().post("/api/v1/auth/token/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "body" in response.json()["errors"]


def test_home_url_name() -> None:
    assert reverse("home") == "/"
