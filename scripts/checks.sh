#!/usr/bin/env bash
# Every check of `make test`, run against the PostgreSQL and Redis of with-services.sh.
set -euo pipefail
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=config.settings.test

echo "== ruff check"; .venv/bin/ruff check .
echo "== ruff format --check"; .venv/bin/ruff format --check .
echo "== bandit (high severity)"
# Every finding is listed on stderr; the count must be 0. Lower severities: ruff's S rules.
bandit_high=$(.venv/bin/bandit -r accounts agenda analyses capacity config conversations demo documents outbox placement referrals -lll -q -f json 2>/dev/null \
  | $PY -c 'import json, sys
found = json.load(sys.stdin)["results"]
for f in found:
    print("%s:%s %s %s" % (f["filename"], f["line_number"], f["test_id"], f["issue_text"]), file=sys.stderr)
print(len(found))') || true
echo "bandit: ${bandit_high:-?} high-severity finding(s)"; [ "$bandit_high" = 0 ]
echo "== Dutch translation catalogue"; bash scripts/messages.sh check
echo "== makemigrations --check"; $PY manage.py makemigrations --check --dry-run
echo "== deploy check (production settings)"
DJANGO_SETTINGS_MODULE=config.settings.production \
  SECRET_KEY="deploy-check-$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')" \
  ALLOWED_HOSTS=rop.example.nl \
  $PY manage.py check --deploy --fail-level WARNING
echo "== mypy"; .venv/bin/mypy .
echo "== pytest"; $PY -m pytest "$@"
