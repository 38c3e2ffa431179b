"""Sessions end after 30 minutes idle; production cookies are secure, HTTP-only, SameSite."""

import os
import subprocess
import sys
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from accounts.middleware import SessionRenewalMiddleware
from tests.conftest import Cast
from tests.factories import TEST_PASSWORD


def test_sessions_expire_after_thirty_idle_minutes() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_RENEW_SECONDS == 60
    assert "accounts.middleware.SessionRenewalMiddleware" in settings.MIDDLEWARE
    assert settings.SESSION_COOKIE_HTTPONLY
    assert not settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def _sign_in(client: Client) -> Session:
    client.post("/accounts/login/", {"username": "coordinator", "password": TEST_PASSWORD})
    return Session.objects.get()


def _renewed_seconds_ago(client: Client, seconds: int) -> None:
    session = client.session
    session[SessionRenewalMiddleware.KEY] = int(time.time()) - seconds
    session.save()


def test_use_renews_the_idle_time_once_the_last_renewal_is_a_minute_old(
    client: Client, cast: Cast
) -> None:
    session = _sign_in(client)
    _renewed_seconds_ago(client, 61)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=5))
    response = client.get("/")
    assert response.status_code == 200
    assert response.cookies["sessionid"]["max-age"] == 1800
    renewed = Session.objects.get(pk=session.pk).expire_date
    assert renewed > timezone.now() + timedelta(minutes=29)


def test_within_the_minute_a_request_does_not_write_the_session(client: Client, cast: Cast) -> None:
    session = _sign_in(client)
    _renewed_seconds_ago(client, 30)
    soon = timezone.now() + timedelta(minutes=5)
    Session.objects.filter(pk=session.pk).update(expire_date=soon)
    response = client.get("/")
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert Session.objects.get(pk=session.pk).expire_date == soon


def test_the_api_and_signed_out_visitors_get_no_session(client: Client, cast: Cast) -> None:
    client.get("/accounts/login/")
    client.get("/healthz")
    assert not Session.objects.exists()
    _sign_in(client)
    client.post("/accounts/logout/")
    assert not Session.objects.exists()


def test_an_idle_session_is_gone(client: Client, cast: Cast) -> None:
    client.post("/accounts/login/", {"username": "coordinator", "password": TEST_PASSWORD})
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


SNIPPET = (
    "import django; from django.conf import settings as s; django.setup(); "
    "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
    "s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT, "
    "s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_AGE, s.REQUIRE_2FA)"
)


def test_production_cookies_are_secure_http_only_and_same_site() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"REQUIRE_2FA", "DEBUG"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", SECRET_KEY="x" * 60)
    done = subprocess.run(
        [sys.executable, "-c", SNIPPET], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [
        "True",
        "True",
        "Lax",
        "True",
        "True",
        "True",
        "True",
        "1800",
        "True",
    ]
