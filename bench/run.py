"""`make bench`: the national-scale benchmark of issue 10 (README: Benchmark).

Run by scripts/bench.sh under scripts/with-services.sh (DATABASE_URL, REDIS_URL of throw-away
servers). It migrates, generates the synthetic history (demo/national.py), starts gunicorn
with the production settings and a Celery worker, and measures every figure side by side with
a baseline in the same run (only ratios are stable on a shared machine). Requests go only to
127.0.0.1, in bounded numbers. Output: a table, and bench/results.json.

Exit status: non-zero only for errors (a failed request, a crashed server), never for a bar
that is missed; missed bars are printed as MISSED.
"""

import functools
import json
import os
import platform
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
# `make test` runs the small size too, into test-artifacts/, so bench/results.json keeps the
# figures of the last deliberate `make bench`.
RESULTS = ROOT / os.environ.get("BENCH_OUT", "bench/results.json")

# referrals in the measured database; the two sizes of the rebuild-scaling figure; samples.
SIZES: dict[str, dict[str, Any]] = {
    "small": {"referrals": 5_000, "scale": (5_000, 25_000), "samples": 40, "load_seconds": 3},
    "medium": {"referrals": 50_000, "scale": (5_000, 50_000), "samples": 150, "load_seconds": 6},
    "large": {"referrals": 500_000, "scale": (50_000, 500_000), "samples": 200, "load_seconds": 8},
}
BARS = {  # issue 10
    "candidates_p95": 2.0,  # ≤ 2 × trivial p95
    "capacity_update_throughput": 0.5,  # ≥ 0.5 × trivial throughput
    "board_p95": 3.0,
    "inbox_p95": 3.0,
    "rebuild_vs_sql": 3.0,  # ≤ 3 × the bare SQL aggregates
    "rebuild_scaling_per_10x": 12.0,  # time at 10× the referrals ≤ 12 × (scaled for other factors)
}
CLIENTS = 8
OPEN = "('submitted', 'needs_info', 'matching', 'offered', 'waiting', 'accepted', 'placed')"


class BenchError(Exception):
    pass


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def database_url(name: str | None = None) -> str:
    url = urlparse(os.environ["DATABASE_URL"])
    return urlunparse(url._replace(path=f"/{name}")) if name else urlunparse(url)


# --- processes ----------------------------------------------------------------------------


def django_env(db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DATABASE_URL=db_url,
        SECRET_KEY=env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        REQUIRE_2FA="false",
        DEBUG="false",
        PYTHONPATH=str(ROOT),
    )
    env.pop("DATABASE_REPLICA_URL", None)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 1800) -> str:
    done = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def rss_mb(pid: int) -> float:
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    match = re.search(r"VmRSS:\s+(\d+) kB", text)
    return int(match.group(1)) / 1024 if match else 0.0


def children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(p) for p in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


@dataclass
class MemorySampler:
    """Peak RSS (from /proc) of the gunicorn master, its workers, and the Celery worker."""

    web_pid: int
    worker_pid: int | None
    peak_web_total: float = 0.0
    peak_web_worker: float = 0.0
    peak_celery: float = 0.0
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self._stop.is_set():
            workers = [rss_mb(p) for p in children(self.web_pid)]
            self.peak_web_total = max(self.peak_web_total, rss_mb(self.web_pid) + sum(workers))
            self.peak_web_worker = max([self.peak_web_worker, *workers])
            if self.worker_pid:
                celery = rss_mb(self.worker_pid) + sum(rss_mb(p) for p in children(self.worker_pid))
                self.peak_celery = max(self.peak_celery, celery)
            self._stop.wait(0.2)

    def stop(self) -> None:
        self._stop.set()


# --- HTTP ---------------------------------------------------------------------------------


class Client:
    """One user's requests: a token or a session cookie, timed; any non-2xx is an error."""

    def __init__(self, base: str, *, token: str = "", cookies: str = "") -> None:
        self.base = base
        self.http = requests.Session()
        self.headers = {"Accept": "application/json, text/html"}
        if token:
            self.headers["Authorization"] = f"Token {token}"
        if cookies:
            self.headers["Cookie"] = cookies

    def timed(self, method: str, path: str, body: dict[str, Any] | None = None) -> float:
        started = time.perf_counter()
        response = self.http.request(
            method, self.base + path, json=body, headers=self.headers, timeout=60
        )
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code >= 300:
            raise BenchError(f"{method} {path}: HTTP {response.status_code} {response.text[:300]}")
        return elapsed


def token_for(base: str, username: str, password: str, name: str = "bench") -> str:
    """A token named `name`: a second token of the same name replaces the first."""
    response = requests.post(
        base + "/api/v1/auth/token/",
        json={"username": username, "password": password, "name": name},
        timeout=30,
    )
    if response.status_code != 200:
        raise BenchError(f"token for {username}: HTTP {response.status_code} {response.text}")
    return str(response.json()["token"])


def session_for(base: str, username: str, password: str) -> str:
    """Sign in through the real login page; returns the Cookie header (the Secure cookies
    are sent by hand: the benchmark talks plain HTTP to 127.0.0.1)."""
    http = requests.Session()
    page = http.get(base + "/accounts/login/", timeout=30)
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if page.status_code != 200 or not match:
        raise BenchError(f"login page: HTTP {page.status_code}")
    jar = {c.name: c.value for c in http.cookies}
    response = http.post(
        base + "/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": match.group(1)},
        headers={"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())},
        allow_redirects=False,
        timeout=30,
    )
    jar.update({c.name: c.value for c in response.cookies})
    if response.status_code != 302 or "sessionid" not in jar:
        raise BenchError(f"sign-in of {username}: HTTP {response.status_code}")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def interleaved(
    pairs: Sequence[tuple[Callable[..., float], Callable[..., float]]], warmup: int = 3
) -> tuple[list[float], list[float]]:
    """Run (measured, baseline) pairs alternately, so both see the same machine."""
    for measured, baseline in pairs[:warmup]:
        measured()
        baseline()
    a: list[float] = []
    b: list[float] = []
    for measured, baseline in pairs:
        a.append(measured())
        b.append(baseline())
    return a, b


def under_load(calls: list[Callable[[], float]], seconds: float) -> tuple[float, list[float]]:
    """Each call in its own thread, repeated for `seconds`: (requests per second, latencies)."""
    latencies: list[list[float]] = [[] for _ in calls]
    errors: list[BaseException] = []
    deadline = time.perf_counter() + seconds

    def worker(index: int) -> None:
        try:
            while time.perf_counter() < deadline:
                latencies[index].append(calls[index]())
        except BaseException as exc:  # reported below
            errors.append(exc)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise BenchError(f"under load: {errors[0]}")
    flat = [v for part in latencies for v in part]
    return len(flat) / elapsed, flat


# --- the figures --------------------------------------------------------------------------


def figure(
    name: str,
    value: float,
    unit: str,
    baseline: float | None,
    bar: float | None,
    *,
    higher_is_better: bool = False,
    detail: dict[str, Any] | None = None,
) -> dict[str, Any]:
    ratio = value / baseline if baseline else None
    ok = None
    if bar is not None and ratio is not None:
        ok = ratio >= bar if higher_is_better else ratio <= bar
    return {
        "name": name,
        "value": round(value, 3),
        "unit": unit,
        "baseline": round(baseline, 3) if baseline is not None else None,
        "ratio": round(ratio, 3) if ratio is not None else None,
        "bar": (f"≥ {bar}" if higher_is_better else f"≤ {bar}") if bar is not None else None,
        "ok": ok,
        "detail": detail or {},
    }


BARE_SQL = [
    # The headline counts of the reports, as plain aggregates over the event tables.
    """SELECT m.region_id, r.status, COUNT(*) FROM referrals_referral r
       JOIN referrals_youthidentity y ON y.id = r.youth_id
       JOIN accounts_municipality m ON m.id = y.municipality_id
       WHERE r.submitted_at IS NOT NULL GROUP BY 1, 2""",
    """SELECT m.region_id, COUNT(*),
              percentile_cont(0.5) WITHIN GROUP (ORDER BY p.start_date - r.submitted_at::date)
       FROM placement_placement p JOIN referrals_referral r ON r.id = p.referral_id
       JOIN referrals_youthidentity y ON y.id = r.youth_id
       JOIN accounts_municipality m ON m.id = y.municipality_id GROUP BY 1""",
    """SELECT provider_id, status, refusal_reason, COUNT(*),
              percentile_cont(0.5) WITHIN GROUP (ORDER BY answered_at - sent_at)
       FROM placement_offer GROUP BY 1, 2, 3""",
    """SELECT p.provider_id, l.care_form, COUNT(*),
              SUM(CASE WHEN p.end_reason = 'replacement' AND p.end_date - p.start_date <= 365
                       THEN 1 ELSE 0 END)
       FROM placement_placement p JOIN capacity_location l ON l.id = p.location_id
       GROUP BY 1, 2""",
    """SELECT to_status, COUNT(DISTINCT referral_id) FROM referrals_referralevent
       GROUP BY 1""",
    """SELECT care_form, SUM(occupied_places), SUM(total_places) FROM capacity_location
       WHERE is_active GROUP BY 1""",
]


def bare_sql_seconds(db_url: str) -> float:
    with psycopg.connect(db_url) as conn:
        best = float("inf")
        for _ in range(2):  # the first run warms the cache for both
            started = time.perf_counter()
            for sql in BARE_SQL:
                conn.execute(sql).fetchall()
            best = min(best, time.perf_counter() - started)
        return best


def rebuild_seconds(env: dict[str, str]) -> float:
    """One full rebuild through the real service (`rebuild_reports`), timed in-process."""
    code = (
        "import django, json, time; django.setup();"
        "from analyses.services import reports_rebuild;"
        "t = time.perf_counter(); run = reports_rebuild();"
        "print(json.dumps({'seconds': time.perf_counter() - t, 'rows': run.rows}))"
    )
    return _seconds_of(code, env, "rebuild")


def _seconds_of(code: str, env: dict[str, str], what: str) -> float:
    """Run `code` in a fresh Python process; it prints {"seconds": …} as its last line."""
    done = subprocess.run(  # noqa: S603 - our own code
        [PY, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"{what} failed:\n{done.stderr[-3000:]}")
    return float(json.loads(done.stdout.strip().splitlines()[-1])["seconds"])


def report_selects_seconds(env: dict[str, str]) -> float:
    """The rebuild's own SELECTs (staged facts included) materialised into temporary tables
    and rolled back: what computing the reports costs without writing them. Shows how much
    of the rebuild is the report contents and how much is storing them."""
    code = (
        "import django, json, time; django.setup();"
        "from django.db import connection, transaction;"
        "from django.utils import timezone;"
        "from analyses import builders, services\n"
        "t = time.perf_counter()\n"
        "with transaction.atomic():\n"
        "    cursor = connection.cursor(); services._tune(cursor)\n"
        "    ctx = builders.Context(cursor=cursor, as_of=timezone.localdate(),"
        " built_at=timezone.now(), staged=True)\n"
        "    for name, build in builders.BUILDERS.items():\n"
        "        report = build(ctx)\n"
        "        columns = ', '.join(report.columns)\n"
        "        cursor.execute(f'CREATE TEMPORARY TABLE bench_{name} ({columns}) AS '"
        " f'SELECT * FROM ({report.sql}) q', list(report.params))\n"
        "    transaction.set_rollback(True)\n"
        "print(json.dumps({'seconds': time.perf_counter() - t}))"
    )
    return _seconds_of(code, env, "report selects")


def generate(env: dict[str, str], referrals: int, password: str) -> dict[str, Any]:
    # `--password=…` in one argument: a generated password may start with "-", which
    # argparse would take for an option of its own (1 run in 64 failed so).
    out = manage(
        env, "generate_national", "--referrals", str(referrals), f"--password={password}", "--json"
    )
    return dict(json.loads(out.strip().splitlines()[-1]))


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average_at_start": list(os.getloadavg()),
    }
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
        info["cpu_model"] = model.group(1).strip() if model else None
        mem = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        info["memory_mb"] = int(mem.group(1)) // 1024 if mem else None
    except OSError:
        pass
    return info


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise BenchError(f"{url} did not answer within {seconds:.0f} s")


def run(size: str) -> dict[str, Any]:
    cfg = SIZES[size]
    started = time.monotonic()
    password = secrets.token_urlsafe(16)
    main_db = urlparse(os.environ["DATABASE_URL"]).path.lstrip("/")
    env = django_env(database_url())
    results: dict[str, Any] = {
        "machine": machine(),
        "sizes": {"size": size, "referrals": cfg["referrals"], "rebuild_scaling": cfg["scale"]},
        "figures": [],
    }
    log(f"SIZE={size}: migrate")
    manage(env, "migrate", "--noinput")
    other = next(n for n in cfg["scale"] if n != cfg["referrals"])
    scale_db = f"{main_db}_scale"
    with psycopg.connect(database_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{scale_db}"')
        conn.execute(f'CREATE DATABASE "{scale_db}" TEMPLATE "{main_db}"')
    log(f"generate {cfg['referrals']} referrals")
    gen = generate(env, cfg["referrals"], password)
    log(f"  {gen['rows']} rows in {gen['seconds']} s")

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    web = subprocess.Popen(  # noqa: S603
        [str(Path(PY).parent / "gunicorn"), "config.wsgi:application", "--workers", "3",
         "--bind", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    worker = subprocess.Popen(  # noqa: S603
        [str(Path(PY).parent / "celery"), "-A", "config", "worker", "--pool", "solo",
         "--queues", "notifications,reports,maintenance", "--loglevel", "WARNING",
         "--hostname", f"bench-{port}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    sampler = MemorySampler(web.pid, worker.pid)
    sampler.start()
    try:
        wait_for(base + "/api/v1/auth/me/")
        http_figures(results, base, password, cfg)
        results["figures"].append(celery_rebuild(base, password))
    finally:
        sampler.stop()
        for process in (web, worker):
            process.send_signal(signal.SIGTERM)
        for process in (web, worker):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()

    log(f"rebuild at {cfg['referrals']} referrals vs bare SQL")
    sql_main = bare_sql_seconds(database_url())
    rebuild_main = rebuild_seconds(env)
    selects_main = report_selects_seconds(env)
    results["figures"].append(
        figure(
            "rebuild_vs_sql", rebuild_main, "s", sql_main, BARS["rebuild_vs_sql"],
            detail={
                "referrals": cfg["referrals"],
                "queries": len(BARE_SQL),
                "report_selects_seconds": round(selects_main, 3),
                "rebuild_vs_report_selects": round(rebuild_main / selects_main, 2),
                "note": "report_selects: the rebuild's own SELECTs without writing the rows",
            },
        )
    )  # fmt: skip
    log(f"generate {other} referrals in a second database, rebuild there")
    scale_env = django_env(database_url(scale_db))
    gen_other = generate(scale_env, other, password)
    rebuild_other = rebuild_seconds(scale_env)
    sql_other = bare_sql_seconds(database_url(scale_db))
    small_n, big_n = sorted((cfg["referrals"], other))
    times = {cfg["referrals"]: rebuild_main, other: rebuild_other}
    factor = big_n / small_n
    results["figures"].append(
        figure(
            "rebuild_scaling", times[big_n], "s", times[small_n],
            round(BARS["rebuild_scaling_per_10x"] * factor / 10, 2),
            detail={
                "referrals": [small_n, big_n],
                "sql_seconds": {str(cfg["referrals"]): sql_main, str(other): sql_other},
                "note": "bar scaled from 12x per 10x the referrals",
            },
        )
    )  # fmt: skip
    gens = {cfg["referrals"]: gen, other: gen_other}
    results["figures"].append(
        figure(
            "generate_seconds", gen["seconds"], "s", None, None,
            detail={
                "referrals": cfg["referrals"],
                "rows": gen["rows"],
                "rows_per_second": round(gen["rows"] / max(gen["seconds"], 1e-9)),
                "counts": gen["counts"],
                "seconds_by_size": {str(k): v["seconds"] for k, v in sorted(gens.items())},
            },
        )
    )  # fmt: skip
    results["figures"].append(
        figure(
            "peak_memory_mb", sampler.peak_web_total + sampler.peak_celery, "MB", None, None,
            detail={
                "gunicorn_total_mb": round(sampler.peak_web_total, 1),
                "gunicorn_largest_worker_mb": round(sampler.peak_web_worker, 1),
                "gunicorn_workers": 3,
                "celery_worker_mb": round(sampler.peak_celery, 1),
            },
        )
    )  # fmt: skip
    with psycopg.connect(database_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{scale_db}"')
    results["sizes"]["seconds_total"] = round(time.monotonic() - started, 1)
    return results


def http_figures(results: dict[str, Any], base: str, password: str, cfg: dict[str, Any]) -> None:
    samples = cfg["samples"]
    with psycopg.connect(database_url()) as conn:
        # The coordinator of region 1 and referrals of its region: open ones first.
        referral_ids = [
            r[0]
            for r in conn.execute(
                f"""SELECT r.id FROM referrals_referral r
                JOIN referrals_youthidentity y ON y.id = r.youth_id
                JOIN accounts_municipality m ON m.id = y.municipality_id
                WHERE m.region_id = 1 AND r.status <> 'draft'
                ORDER BY (r.status IN {OPEN}) DESC, md5(r.id::text) LIMIT %s""",  # noqa: S608
                [samples],
            ).fetchall()
        ]
        # Eight providers, each with a location whose free places can move: free places only
        # grow into places that are neither held nor occupied.
        movers = conn.execute(
            """SELECT DISTINCT ON (l.provider_id) u.username, l.id,
                   l.total_places - l.held_places - l.occupied_places
            FROM capacity_location l JOIN accounts_user u ON u.organisation_id = l.provider_id
            WHERE l.total_places - l.held_places - l.occupied_places >= 1
            ORDER BY l.provider_id, l.id LIMIT %s""",
            [CLIENTS],
        ).fetchall()
        inbox_provider = conn.execute(
            """SELECT u.username FROM placement_offer o
            JOIN accounts_user u ON u.organisation_id = o.provider_id
            GROUP BY u.username ORDER BY SUM(CASE WHEN o.status = 'open' THEN 1 ELSE 0 END) DESC,
            COUNT(*) DESC LIMIT 1"""
        ).fetchone()
    if not referral_ids or len(movers) < CLIENTS or inbox_provider is None:
        raise BenchError("the generated data lacks referrals, locations or offers to measure")
    coordinator = "coord_jr01"
    coord_api = Client(base, token=token_for(base, coordinator, password))

    log(f"candidates: {len(referral_ids)} referrals of region 1, interleaved with /auth/me/")
    pairs = [
        (
            lambda rid=rid: coord_api.timed("GET", f"/api/v1/referrals/{rid}/candidates/"),
            lambda: coord_api.timed("GET", "/api/v1/auth/me/"),
        )
        for rid in referral_ids
    ]
    cand, trivial = interleaved(pairs)
    results["figures"].append(
        figure(
            "candidates_p95", pct(cand, 0.95), "ms", pct(trivial, 0.95), BARS["candidates_p95"],
            detail={
                "p50_ms": round(statistics.median(cand), 2),
                "baseline_p50_ms": round(statistics.median(trivial), 2),
                "requests": len(cand),
            },
        )
    )  # fmt: skip

    log(f"capacity PATCH with {CLIENTS} concurrent clients vs /auth/me/ under the same load")
    clients = [Client(base, token=token_for(base, user, password)) for user, _l, _m in movers]
    state = [0] * CLIENTS

    def patcher(i: int) -> Callable[[], float]:
        _user, location, maximum = movers[i]

        def call() -> float:
            state[i] ^= 1
            value = maximum - state[i]
            return clients[i].timed(
                "PATCH", f"/api/v1/locations/{location}/", {"free_places": value}
            )

        return call

    def trivial_call(i: int) -> Callable[[], float]:
        return lambda: clients[i].timed("GET", "/api/v1/auth/me/")

    seconds = cfg["load_seconds"]
    base_rps_1, base_lat_1 = under_load([trivial_call(i) for i in range(CLIENTS)], seconds)
    patch_rps_1, patch_lat_1 = under_load([patcher(i) for i in range(CLIENTS)], seconds)
    base_rps_2, base_lat_2 = under_load([trivial_call(i) for i in range(CLIENTS)], seconds)
    patch_rps_2, patch_lat_2 = under_load([patcher(i) for i in range(CLIENTS)], seconds)
    patch_rps = (patch_rps_1 + patch_rps_2) / 2
    base_rps = (base_rps_1 + base_rps_2) / 2
    results["figures"].append(
        figure(
            "capacity_update_throughput", patch_rps, "req/s", base_rps,
            BARS["capacity_update_throughput"], higher_is_better=True,
            detail={
                "clients": CLIENTS,
                "p95_ms": round(pct(patch_lat_1 + patch_lat_2, 0.95), 2),
                "baseline_p95_ms": round(pct(base_lat_1 + base_lat_2, 0.95), 2),
                "requests": len(patch_lat_1) + len(patch_lat_2),
                "seconds": 2 * seconds,
            },
        )
    )  # fmt: skip

    log("board and inbox pages vs /auth/me/ on the same session")
    coord_page = Client(base, cookies=session_for(base, coordinator, password))
    provider_page = Client(base, cookies=session_for(base, inbox_provider[0], password))
    for name, client, path in (
        ("board_p95", coord_page, "/placement/bord/"),
        ("inbox_p95", provider_page, "/placement/voorstellen/"),
        # issue 22: contracted against available and occupied per month, cost (no bar yet)
        ("contract_occupancy_p95", coord_page, "/capacity/contract-en-bezetting/"),
    ):
        page_call = functools.partial(client.timed, "GET", path)
        me_call = functools.partial(client.timed, "GET", "/api/v1/auth/me/")
        page, trivial = interleaved([(page_call, me_call)] * samples)
        results["figures"].append(
            figure(
                name, pct(page, 0.95), "ms", pct(trivial, 0.95), BARS.get(name),
                detail={"p50_ms": round(statistics.median(page), 2), "requests": len(page)},
            )
        )  # fmt: skip


def celery_rebuild(base: str, password: str) -> dict[str, Any]:
    """Ask for a rebuild through the API and let the Celery worker run it (its peak memory
    is part of peak_memory_mb); reported as a figure without a bar."""
    log("report rebuild through the API and the Celery worker (reports queue)")
    client = Client(base, token=token_for(base, "coord_jr01", password, name="bench-rebuild"))
    started = time.perf_counter()
    client.timed("POST", "/api/v1/reports/rebuild/", {})
    # At 500,000 referrals on a busy 2-CPU machine a full rebuild took over 5 minutes
    # (session 10): wait long enough to report the figure instead of failing the run.
    deadline = time.monotonic() + 1800
    state = "queued"
    with psycopg.connect(database_url(), autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT state, duration_ms FROM analyses_reportrun ORDER BY id DESC LIMIT 1"
            ).fetchone()
            state = row[0] if row else "missing"
            if state in ("ok", "failed"):
                break
            time.sleep(0.25)
    if state != "ok":
        raise BenchError(f"the rebuild job through Celery ended as {state!r}")
    return figure(
        "rebuild_via_celery_seconds", time.perf_counter() - started, "s", None, None,
        detail={"note": "POST /reports/rebuild/ until the run is ok, worker on queue reports"},
    )  # fmt: skip


def print_table(results: dict[str, Any]) -> None:
    print()
    print(f"{'figure':30} {'value':>12} {'baseline':>12} {'ratio':>8} {'bar':>8}  result")
    for f in results["figures"]:
        baseline = "" if f["baseline"] is None else f"{f['baseline']:.2f}"
        ratio = "" if f["ratio"] is None else f"{f['ratio']:.2f}"
        outcome = {True: "ok", False: "MISSED", None: "(no bar)"}[f["ok"]]
        print(
            f"{f['name']:30} {f['value']:>9.2f} {f['unit']:<3}{baseline:>12} {ratio:>8}"
            f" {f['bar'] or '':>8}  {outcome}"
        )
    missed = [f["name"] for f in results["figures"] if f["ok"] is False]
    for f in results["figures"]:
        if "report_selects_seconds" in f["detail"]:
            selects, times = (
                f["detail"]["report_selects_seconds"],
                f["detail"]["rebuild_vs_report_selects"],
            )
            print(
                f"  (the rebuild's own SELECTs without writing: {selects:.2f} s;"
                f" the rebuild is {times:.2f} x that)"
            )
    print()
    if missed:
        print(f"MISSED bars ({results['sizes']['size']} size): {', '.join(missed)}")
    else:
        print("Every bar met.")


def main() -> int:
    size = (sys.argv[1] if len(sys.argv) > 1 else os.environ.get("SIZE", "small")).lower()
    if size not in SIZES:
        print(f"SIZE must be one of {', '.join(SIZES)}", file=sys.stderr)
        return 2
    try:
        results = run(size)
    except (
        BenchError,
        psycopg.Error,
        requests.RequestException,
        subprocess.SubprocessError,
    ) as exc:
        print(f"bench failed: {exc}", file=sys.stderr)
        return 1
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print_table(results)
    print(f"\nWritten {RESULTS} in {results['sizes']['seconds_total']} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
