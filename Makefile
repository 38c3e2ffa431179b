# Regie op Plaatsing: `make run` for the local demo, `make test` for every check.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
SIZE ?= small

.PHONY: run test bench messages install clean fault-test

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed node_modules/.installed

# The local demo: embedded PostgreSQL (data in .pgdata/, stopped with the site), jobs
# in-process, no database server or Redis installed on the machine.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

# Every check against throw-away PostgreSQL and Redis servers (installed when missing).
test:
	bash scripts/system-deps.sh
	$(MAKE) install
	bash scripts/with-services.sh bash scripts/checks.sh
	# The benchmark at its small size, so it never rots (figures only; bars are not a failure).
	BENCH_OUT=test-artifacts/bench-small.json SIZE=small bash scripts/bench.sh

# The national-scale benchmark (issue 10): SIZE=small (CI, < 2 min), medium or large.
bench: $(VENV)/.installed
	SIZE=$(SIZE) bash scripts/bench.sh

# The fault test (issue 24): Redis and then PostgreSQL stopped under a production-like
# stack (gunicorn, Celery worker and beat); no 500, nothing lost, workers back by themselves.
fault-test: install
	bash scripts/fault-test.sh

# After adding or changing a user-facing text: collect it into the Dutch catalogue.
messages: $(VENV)/.installed
	bash scripts/messages.sh update

clean:
	rm -rf $(VENV) node_modules staticfiles .pgdata
