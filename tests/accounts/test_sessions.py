"""Sessions end after 30 minutes idle; production cookies are secure, HTTP-only, SameSite."""

import os
import subprocess
import sys
from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from tests.conftest import Cast
from tests.factories import TEST_PASSWORD


def test_sessions_expire_after_thirty_idle_minutes() -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_HTTPONLY
    assert not settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_every_request_renews_the_idle_time(client: Client, cast: Cast) -> None:
    client.post("/accounts/login/", {"username": "coordinator", "password": TEST_PASSWORD})
    session = Session.objects.get()
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=5))
    response = client.get("/")
    assert response.status_code == 200
    assert response.cookies["sessionid"]["max-age"] == 1800
    renewed = Session.objects.get(pk=session.pk).expire_date
    assert renewed > timezone.now() + timedelta(minutes=29)


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
