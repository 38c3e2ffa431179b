# ruff: noqa: S105, S310, S603, S607
# A test driver: fixed local URLs, the documented demo password, bash from PATH.
"""The requests and checks of scripts/fault-test.sh (run by it, not on its own).

It stops and starts Redis and PostgreSQL through the shell functions of fault-test.sh
(FAULT_CTL), talks to gunicorn over plain HTTP as the proxy would (X-Forwarded-Proto), and
reads the outcome in the database. Prints a summary; exits 1 on any 500 or lost work.
"""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import Any

import psycopg

BASE = f"http://127.0.0.1:{os.environ['WEB_PORT']}"
DB = os.environ["DATABASE_URL"]
HEADERS = {"Host": "localhost", "X-Forwarded-Proto": "https"}
PASSWORD = "rop-demo-2026"
statuses: dict[str, list[int]] = {}
problems: list[str] = []


def ctl(action: str) -> None:
    subprocess.run(["bash", "-c", f"source {os.environ['FAULT_CTL']}; {action}"], check=True)


def call(
    phase: str, method: str, path: str, token: str | None = None, body: Any = None
) -> tuple[int, dict[str, str], bytes]:
    headers = dict(HEADERS)
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Token {token}"
    request = urllib.request.Request(BASE + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            result = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        result = exc.code, dict(exc.headers), exc.read()
    statuses.setdefault(phase, []).append(result[0])
    expected_503 = path == "/healthz" or phase == "postgres down"
    if result[0] >= 500 and not (result[0] == 503 and expected_503):
        problems.append(f"{phase}: {method} {path} answered {result[0]}")
    return result


def token(phase: str, username: str) -> str:
    status, _h, body = call(
        phase, "POST", "/api/v1/auth/token/", body={"username": username, "password": PASSWORD}
    )
    if status != 200:
        problems.append(f"{phase}: sign-in of {username} answered {status}")
        return ""
    return str(json.loads(body)["token"])


def query(sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(DB, autocommit=True) as conn:
        return conn.execute(sql, args).fetchall()


def wait_for(what: str, check: Any, seconds: float = 150) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(2)
    problems.append(f"not done after {seconds:.0f} s: {what}")
    return False


def main() -> int:
    provider = token("before", "provider_a")
    coordinator = token("before", "coordinator")
    _s, _h, body = call("before", "GET", "/api/v1/locations/", provider)
    location = next(loc for loc in json.loads(body)["results"] if loc["free_places"] >= 1)
    # One place fewer now, so that the change while Redis is down is a rise (it may only
    # grow into places neither held nor occupied).
    call(
        "before",
        "PATCH",
        f"/api/v1/locations/{location['id']}/",
        provider,
        {"free_places": location["free_places"] - 1},
    )
    # The offer list is ordered by deadline and has no status filter: ask the database.
    offers = query(
        "SELECT o.id FROM placement_offer o JOIN accounts_user u"
        " ON u.organisation_id = o.provider_id"
        " WHERE u.username = 'provider_a' AND o.status = 'open' ORDER BY o.id"
    )
    (started,) = query("SELECT now()")[0]

    # --- Redis down ------------------------------------------------------------------
    ctl("redis_stop")
    phase = "redis down"
    status, _h, _b = call(phase, "GET", "/healthz")
    health_down = status == 503
    provider = token(phase, "provider_a") or provider  # signing in works without Redis
    status, _h, body = call(
        phase,
        "PATCH",
        f"/api/v1/locations/{location['id']}/",
        provider,
        {"free_places": location["free_places"]},
    )
    capacity_ok = status == 200
    accepted = None
    accept_status = None
    if offers:
        status, _h, _b = call(phase, "POST", f"/api/v1/offers/{offers[0][0]}/accept/", provider)
        accepted = offers[0][0] if status == 200 else None
        accept_status = status
    status, _h, body = call(phase, "POST", "/api/v1/reports/rebuild/", coordinator)
    run = json.loads(body).get("run") if status == 202 else None
    for path in ("/api/v1/referrals/", "/api/v1/offers/", "/api/v1/locations/"):
        call(phase, "GET", path, coordinator if "referrals" in path else provider)
    (pending,) = query("SELECT count(*) FROM outbox_outboxtask WHERE dispatched_at IS NULL")[0]

    # --- Redis back --------------------------------------------------------------------
    ctl("redis_start")
    phase = "redis back"
    wait_for(
        "the outbox sent",
        lambda: (
            query("SELECT count(*) FROM outbox_outboxtask WHERE dispatched_at IS NULL")[0][0] == 0
        ),
    )
    if run:
        wait_for(
            "the rebuild requested while Redis was down",
            lambda: query("SELECT state FROM analyses_reportrun WHERE id = %s", run)[0][0] == "ok",
        )
    wait_for(
        "the waiting-list watch after the capacity rise",
        lambda: (
            query(
                "SELECT count(*) FROM accounts_jobrun WHERE name = 'waiting_list.watch' "
                "AND started_at > %s AND outcome = 'ok'",
                started,
            )[0][0]
            > 0
        ),
    )
    if accepted:
        wait_for(
            "the accept's notification e-mails",
            lambda: (
                query(
                    "SELECT count(*) FROM accounts_notification WHERE created_at > %s "
                    "AND emailed_at IS NULL AND mail_failed_at IS NULL",
                    started,
                )[0][0]
                == 0
            ),
        )
    status, _h, _b = call(phase, "GET", "/healthz")
    health_back = status == 200

    # --- PostgreSQL down ---------------------------------------------------------------
    ctl("pg_stop")
    phase = "postgres down"
    dutch = json_api = True
    for path in ("/", "/accounts/login/", "/api/v1/locations/"):
        status, headers, body = call(phase, "GET", path, provider if "api" in path else None)
        if status == 503:
            if path.startswith("/api/"):
                json_api &= headers.get("Content-Type") == "application/json"
            else:
                dutch &= "Tijdelijk niet beschikbaar" in body.decode()
    call(phase, "POST", "/api/v1/auth/token/", body={"username": "coordinator", "password": "x"})

    # --- PostgreSQL back: the next requests succeed at once (no stale connections) --------
    ctl("pg_start")
    phase = "postgres back"
    for _ in range(6):  # more than the gunicorn workers, so every pooled connection is used
        status, _h, _b = call(phase, "GET", "/api/v1/locations/", provider)
        if status != 200:
            problems.append(f"{phase}: the first requests answered {status}")

    print("fault test:")
    for name, codes in statuses.items():
        print(f"  {name:14} {len(codes):3} requests  {sorted(set(codes))}")
    print(f"  redis down: /healthz 503: {health_down}; capacity change accepted: {capacity_ok};")
    print(
        f"    accept: {accepted is not None} (open offers: {len(offers)}, answer {accept_status});"
        f" rebuild queued: {run is not None}; "
    )
    print(f"    work kept in the outbox: {pending}; /healthz 200 after: {health_back}")
    print(f"  postgres down: Dutch 503 page: {dutch}; JSON for the API: {json_api}")
    fives = sum(1 for codes in statuses.values() for c in codes if c == 500)
    print(f"  500 answers: {fives}")
    checks = (health_down, capacity_ok, accepted, run, pending, health_back, dutch, json_api)
    if not all(checks):
        problems.append("a check above is False")
    for problem in problems:
        print(f"  FAIL: {problem}")
    return 1 if problems or fives else 0


if __name__ == "__main__":
    sys.exit(main())
