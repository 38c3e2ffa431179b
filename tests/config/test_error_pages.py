"""Error pages: Dutch, in the site's layout; API errors stay JSON; no URL list in the demo."""

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path
from pytest_django import Settings as SettingsWrapper
from rest_framework.test import APIClient

from accounts.models import User
from config import urls as config_urls
from tests.conftest import Cast

pytestmark = pytest.mark.django_db


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("kapot")


def _forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


# The site's URLs plus two views that fail, for @pytest.mark.urls(__name__).
urlpatterns = [
    path("test-fout/", _boom),
    path("test-verboden/", _forbidden),
    *config_urls.urlpatterns,
]
handler404 = config_urls.handler404

DEBUG_404 = "NotFoundPageInDebugMiddleware"


def _in_layout(html: str) -> None:
    assert 'class="utrecht-page"' in html
    assert 'class="rop-brand"' in html
    assert '<html lang="nl"' in html


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["anonymous", "referrer"])
def test_an_unknown_page_is_a_dutch_404(cast: Cast, who: str) -> None:
    client = Client() if who == "anonymous" else _signed_in(cast.referrer)
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Pagina niet gevonden" in html
    _in_layout(html)


def test_a_view_raising_404_shows_the_dutch_page(cast: Cast) -> None:
    response = _signed_in(cast.referrer).get("/referrals/999999/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


def test_api_404s_stay_json(cast: Cast, api_client_for: Callable[[User | None], APIClient]) -> None:
    client = api_client_for(cast.referrer)
    for url in ("/api/v1/referrals/999999/", "/api/v1/bestaat-niet/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"].startswith("application/json"), url
        assert response.json() == {"detail": "Niet gevonden."}


@pytest.mark.urls(__name__)
def test_a_refusal_is_a_dutch_403(cast: Cast) -> None:
    response = _signed_in(cast.referrer).get("/test-verboden/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "Geen toegang" in html
    _in_layout(html)


@pytest.mark.urls(__name__)
def test_a_crash_is_a_dutch_500_without_the_request(cast: Cast) -> None:
    client = _signed_in(cast.referrer)
    client.raise_request_exception = False
    response = client.get("/test-fout/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Er ging iets mis" in html
    _in_layout(html)
    # Rendered without the request: no menu, no user, nothing a broken database could fail.
    assert "Afmelden" not in html
    assert "kapot" not in html


def test_a_refused_form_gets_the_dutch_csrf_page(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/", {"username": "referrer", "password": "rop-demo-2026"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "Formulier verlopen" in html
    assert "CSRF verification failed" not in html
    _in_layout(html)


@pytest.fixture
def demo_debug(settings: SettingsWrapper) -> None:
    """The demo's settings (config/settings/local.py): DEBUG on, the Dutch-404 middleware."""
    settings.DEBUG = True
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"config.error_pages.{DEBUG_404}"]


def test_the_demo_setting_adds_the_middleware() -> None:
    from config.settings import local

    assert local.MIDDLEWARE[-1] == f"config.error_pages.{DEBUG_404}"


@pytest.mark.usefixtures("demo_debug")
@pytest.mark.parametrize("url", ["/bestaat-niet/", "/referrals/999999/"])
def test_the_demo_shows_no_url_list(cast: Cast, url: str) -> None:
    response = _signed_in(cast.referrer).get(url)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Pagina niet gevonden" in html
    assert "URLconf" not in html
    assert "api/v1/" not in html
    _in_layout(html)


@pytest.mark.usefixtures("demo_debug")
def test_the_demo_still_adds_the_slash_and_answers_api_json(cast: Cast) -> None:
    client = _signed_in(cast.referrer)
    response = client.get("/referrals")
    assert response.status_code == 301
    assert response["Location"] == "/referrals/"
    response = client.get("/api/v1/bestaat-niet/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Niet gevonden."}


def test_without_debug_the_middleware_stands_aside(settings: SettingsWrapper) -> None:
    from django.core.exceptions import MiddlewareNotUsed

    from config.error_pages import NotFoundPageInDebugMiddleware

    settings.DEBUG = False
    with pytest.raises(MiddlewareNotUsed):
        NotFoundPageInDebugMiddleware(lambda request: HttpResponse())
