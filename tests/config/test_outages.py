"""Outages (issue 24, points 5, 7, 13): Redis or PostgreSQL down never answers 500.

Redis down is a real closed port, not a mock: the production settings run in a subprocess
with REDIS_URL (cache and broker) pointing at it. PostgreSQL down is a closed port too, or
the server ending the connection under a running process.
"""

import json
import os
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import redis
import yaml
from django.conf import settings
from django.db import connection

from analyses.models import ReportRun
from capacity.models import Location
from config.cache import ResilientRedisCache
from outbox.models import OutboxTask
from tests.conftest import Cast
from tests.placement.conftest import location_a  # noqa: F401 - fixture

BASE_DIR = Path(__file__).resolve().parents[2]


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def closed_redis_url() -> str:
    return f"redis://127.0.0.1:{closed_port()}/0"


def testdb_url() -> str:
    """DATABASE_URL, naming the test database (what the test's own connection uses)."""
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    return f"{base}/{connection.settings_dict['NAME']}"


PRELUDE = """
import django, json, sys
django.setup()
from django.test import Client
from accounts.models import User
def sign_in(client):
    user = User.objects.get(username="coordinator")
    user.set_password("pw-outage-2026"); user.save()
    return client.post("/accounts/login/", {"username": "coordinator",
                       "password": "pw-outage-2026"}, secure=True)
"""


def run_production(code: str, *, redis_url: str, database_url: str | None = None) -> Any:
    """Run `code` under the production settings in a subprocess; answer its JSON output."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="x" * 60,
        REQUIRE_2FA="false",
        ALLOWED_HOSTS="testserver,localhost",
        DATABASE_URL=database_url or testdb_url(),
        REDIS_URL=redis_url,
        LOG_LEVEL="ERROR",
    )
    done = subprocess.run(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(code)],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- Redis down --------------------------------------------------------------------------


def test_the_cache_degrades_instead_of_raising_when_redis_is_down() -> None:
    cache = ResilientRedisCache(
        closed_redis_url(), {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
    )
    assert cache.get("k", "default") == "default"
    cache.set("k", "v")
    assert cache.add("k", "v") is True  # as if stored: coalesced work goes ahead
    assert cache.get_many(["k"]) == {}
    cache.delete("k")
    with pytest.raises(redis.exceptions.ConnectionError):
        cache.ping()  # the health check still sees it


def test_production_uses_database_backed_sessions_and_the_degrading_cache() -> None:
    out = run_production(
        """
        from django.conf import settings as s
        print(json.dumps([s.SESSION_ENGINE, s.CACHES["default"]["BACKEND"]]))
        """,
        redis_url=os.environ["REDIS_URL"],
    )
    assert out == ["django.contrib.sessions.backends.cached_db", "config.cache.ResilientRedisCache"]


SESSION_CODE = """
client = Client()
cookie = sys.argv[1] if len(sys.argv) > 1 else None
login = sign_in(client)
home = client.get("/", secure=True)
print(json.dumps({"login": login.status_code, "login_to": login.get("Location", ""),
                  "home": home.status_code, "cookie": client.cookies["sessionid"].value}))
"""

REUSE_CODE = """
client = Client()
client.cookies["sessionid"] = {cookie!r}
home = client.get("/", secure=True)
print(json.dumps({{"home": home.status_code, "to": home.get("Location", "")}}))
"""


def test_signing_in_and_sessions_work_with_redis_down_and_survive_it(
    transactional_db: None, cast: Cast
) -> None:
    up, down = os.environ["REDIS_URL"], closed_redis_url()
    # Signed in while Redis is down: no 500, and the session is valid once Redis is back.
    signed = run_production(SESSION_CODE, redis_url=down)
    assert (signed["login"], signed["login_to"], signed["home"]) == (302, "/", 200)
    again = run_production(REUSE_CODE.format(cookie=signed["cookie"]), redis_url=up)
    assert again == {"home": 200, "to": ""}
    # Signed in while Redis is up: the session stays valid while Redis is down.
    signed = run_production(SESSION_CODE, redis_url=up)
    assert signed["home"] == 200
    again = run_production(REUSE_CODE.format(cookie=signed["cookie"]), redis_url=down)
    assert again == {"home": 200, "to": ""}


WORK_CODE = """
from capacity.models import Location
from capacity.services import location_set_free_places
from outbox.models import OutboxTask
client = Client()
sign_in(client)
page = client.post("/analyses/opnieuw-opbouwen/", secure=True)
location = Location.objects.get(pk={location})
location_set_free_places(location=location, free_places=location.free_places + 2,
                         by=User.objects.get(username="provider_a"))
print(json.dumps({{"page": page.status_code,
                  "rows": list(OutboxTask.objects.values_list("name", "dispatched_at", "attempts"))
                  }}, default=str))
"""

SWEEP_CODE = """
from outbox.services import dispatch_pending
print(json.dumps(dispatch_pending()))
"""


def test_work_is_kept_in_the_outbox_while_the_broker_is_down_and_sent_when_it_is_back(
    transactional_db: None,
    cast: Cast,
    location_a: Location,  # noqa: F811
) -> None:
    location_a.total_places = location_a.free_places + location_a.held_places + 10
    location_a.occupied_places = 0
    location_a.save()
    out = run_production(WORK_CODE.format(location=location_a.pk), redis_url=closed_redis_url())
    assert out["page"] == 202  # the rebuild request is accepted, not a 500
    names = sorted(name for name, dispatched, attempts in out["rows"])
    assert names == ["analyses.tasks.rebuild_reports", "capacity.tasks.announce_free_places"]
    assert all(dispatched is None and attempts == 1 for _n, dispatched, attempts in out["rows"])
    run = ReportRun.objects.get()
    assert run.state == ReportRun.State.QUEUED

    # The broker is back: the sweep sends both to their queues on the real Redis.
    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    client.delete("reports", "notifications")
    assert run_production(SWEEP_CODE, redis_url=os.environ["REDIS_URL"]) == 2
    assert not OutboxTask.objects.filter(dispatched_at__isnull=True).exists()
    assert client.llen("reports") == 1 and client.llen("notifications") == 1
    message = json.loads(client.lindex("reports", 0) or b"{}")
    assert message["headers"]["task"] == "analyses.tasks.rebuild_reports"
    client.delete("reports", "notifications")


def test_a_queued_run_whose_job_was_lost_is_marked_failed(db: None, cast: Cast) -> None:
    from analyses.services import LOST_RUN_AFTER, report_runs_fail_lost

    lost = ReportRun.objects.create(state=ReportRun.State.QUEUED, requested_by=cast.analyst)
    waiting = ReportRun.objects.create(state=ReportRun.State.QUEUED, requested_by=cast.analyst)
    fresh = ReportRun.objects.create(state=ReportRun.State.QUEUED, requested_by=cast.analyst)
    old = ReportRun.objects.filter(pk__in=[lost.pk, waiting.pk])
    old.update(created_at=fresh.created_at - LOST_RUN_AFTER * 2)
    OutboxTask.objects.create(name="analyses.tasks.rebuild_reports", kwargs={"run_id": waiting.pk})
    assert report_runs_fail_lost() == 1
    states = dict(ReportRun.objects.values_list("pk", "state"))
    assert states == {lost.pk: "failed", waiting.pk: "queued", fresh.pk: "queued"}


def test_the_waiting_list_sweep_and_the_outbox_sweep_are_scheduled() -> None:
    tasks = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks["outbox.tasks.dispatch_pending_tasks"].total_seconds() == 60
    assert tasks["placement.tasks.watch_waiting_lists"].total_seconds() == 3600
    assert settings.CELERY_BROKER_CONNECTION_MAX_RETRIES is None  # a worker never gives up


def test_workers_web_and_beat_restart_by_themselves() -> None:
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    long_running = [name for name, s in compose["services"].items() if s.get("restart") != "no"]
    assert {"web", "beat", "db", "redis"} <= set(long_running)
    assert any(name.startswith("worker") for name in long_running)
    for name in long_running:
        assert compose["services"][name]["restart"] == "unless-stopped", name
    # Gossip and mingle failed to restart on a lost broker (AttributeError in kombu).
    workers = [s["command"] for name, s in compose["services"].items() if "worker" in name]
    assert workers and all("--without-gossip --without-mingle" in c for c in workers)


# --- PostgreSQL down ---------------------------------------------------------------------

DB_DOWN_CODE = """
client = Client(raise_request_exception=False)  # answer as a server would
client.cookies["sessionid"] = "a" * 32  # a session to look up
page = client.get("/", secure=True)
api = client.get("/api/v1/referrals/", secure=True, HTTP_AUTHORIZATION="Token " + "x" * 40)
print(json.dumps({"page": [page.status_code, page["Retry-After"], page.content.decode()],
                  "api": [api.status_code, api["Content-Type"], api.content.decode()]}))
"""


def test_database_down_answers_a_dutch_503_page_and_json_for_the_api() -> None:
    closed = f"postgres://rop@127.0.0.1:{closed_port()}/rop"
    out = run_production(DB_DOWN_CODE, redis_url=os.environ["REDIS_URL"], database_url=closed)
    status, retry_after, html = out["page"]
    assert (status, retry_after) == (503, "30")
    assert "Tijdelijk niet beschikbaar" in html and 'lang="nl"' in html
    assert "Server Error" not in html
    status, content_type, body = out["api"]
    assert (status, content_type) == (503, "application/json")
    assert json.loads(body) == {
        "detail": (
            "De dienst is tijdelijk niet beschikbaar. Probeer het over enkele minuten opnieuw."
        )
    }


STALE_CODE = """
import psycopg
from django.db import connection
client = Client()
first = client.get("/healthz", secure=True).status_code
pid = connection.connection.info.backend_pid
with psycopg.connect({url!r}, autocommit=True) as admin:
    admin.execute("SELECT pg_terminate_backend(%s)", [pid])
# What the WSGI handler does at the start of every request (the test client skips it).
from django.db import close_old_connections
close_old_connections()
second = client.get("/healthz", secure=True)
print(json.dumps([first, second.status_code, json.loads(second.content)["checks"]["database"]]))
"""


def test_a_pooled_connection_the_server_ended_is_replaced_before_the_next_request(
    transactional_db: None,
) -> None:
    """After a restart of PostgreSQL the next request gets a fresh connection at once."""
    url = testdb_url()
    out = run_production(STALE_CODE.format(url=url), redis_url=os.environ["REDIS_URL"])
    assert out == [200, 200, "ok"]


# --- The compose health check against the production settings ----------------------------


def test_the_compose_health_check_passes_against_production_settings(
    transactional_db: None,
) -> None:
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    command = compose["services"]["web"]["healthcheck"]["test"]
    assert command[:3] == ["CMD", "python", "-c"]
    port = closed_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="rop.example.nl,.example.org",
        DATABASE_URL=testdb_url(),
    )
    server = subprocess.Popen(
        [
            str(BASE_DIR / ".venv/bin/gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.1)
        code = command[3].replace("127.0.0.1:8000", f"127.0.0.1:{port}")
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=30
        )
        assert done.returncode == 0, done.stderr[-2000:]
    finally:
        server.terminate()
        server.wait(timeout=10)
