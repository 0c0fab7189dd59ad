#!/usr/bin/env bash
# Fault drills, repeated: every scripted fault of docs/operations.md ("Fault drills"), N times in a row.
#   bash scripts/faults/run_all.sh [N]     (default N=3)
# Each fault starts its own throwaway PostgreSQL / Redis / gunicorn / Celery processes on free
# ports; the machine's shared services are only used as the test database server of pytest.
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-3}"
PY=.venv/bin/python
FAULT_TESTS=(
  tests/faults
  tests/crm/test_nightly_worker_kill.py
  tests/notifications/test_workers.py
  tests/loans/test_concurrency.py
)
for i in $(seq 1 "$N"); do
  echo "== fault drills, round $i of $N"
  "$PY" scripts/faults/pg_restart.py
  "$PY" -m pytest -q -p no:cacheprovider "${FAULT_TESTS[@]}"
done
echo "== all fault drills passed $N times in a row"
