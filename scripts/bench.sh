#!/usr/bin/env bash
# `make bench [SIZE=small|medium|large]`: the national-scale benchmark (README: Benchmark)
# against throw-away PostgreSQL and Redis servers; writes bench/results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/with-services.sh .venv/bin/python -m bench.run "${SIZE:-small}"
