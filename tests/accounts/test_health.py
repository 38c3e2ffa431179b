"""GET /healthz checks the database, the cache and the broker for real."""

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
from django.core.cache import caches
from django.test import Client
from pytest_django import Settings as SettingsWrapper


def test_it_reports_ok_with_real_postgres_and_redis(client: Client, db: None) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_it_needs_no_sign_in(client: Client, db: None) -> None:
    assert client.get("/healthz").status_code == 200


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def own_redis() -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """A Redis server of this test's own, so that stopping it harms no other test."""
    server = shutil.which("redis-server")
    assert server, "redis-server is installed by make test"
    port = _free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    yield process, f"redis://127.0.0.1:{port}/0"
    process.kill()
    process.wait()


def test_it_reports_a_stopped_redis_as_down(
    client: Client,
    db: None,
    settings: SettingsWrapper,
    own_redis: tuple[subprocess.Popen[bytes], str],
) -> None:
    process, url = own_redis
    settings.CELERY_BROKER_URL = url
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    caches._settings = None  # type: ignore[attr-defined]  # re-read CACHES
    try:
        assert client.get("/healthz").status_code == 200

        process.kill()
        process.wait()
        response = client.get("/healthz")
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "down"
        assert body["checks"]["database"] == "ok"
        assert body["checks"]["broker"].startswith("down")
        assert body["checks"]["cache"].startswith("down")
    finally:
        caches._settings = None  # type: ignore[attr-defined]
