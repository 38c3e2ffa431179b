#!/usr/bin/env bash
# Every check of `make test`, run against the PostgreSQL and Redis of with-services.sh.
set -euo pipefail
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=config.settings.test

echo "== ruff check"; .venv/bin/ruff check .
echo "== ruff format --check"; .venv/bin/ruff format --check .
echo "== makemigrations --check"; $PY manage.py makemigrations --check --dry-run
echo "== deploy check (production settings)"
DJANGO_SETTINGS_MODULE=config.settings.production \
  SECRET_KEY="deploy-check-$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')" \
  ALLOWED_HOSTS=rop.example.nl \
  $PY manage.py check --deploy --fail-level WARNING
echo "== mypy"; .venv/bin/mypy .
echo "== pytest"; $PY -m pytest "$@"
