"""PostgreSQL restarted under load: the web recovers by itself (scripts/faults/pg_restart.py).

Runs the fault script's round on its own throwaway PostgreSQL, Redis and gunicorn; the
machine's shared services are not touched. The script is also run three times in a row by
scripts/faults/run_all.sh (docs/operations.md, "Fault drills").
"""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "faults" / "pg_restart.py"


def _load():
    spec = importlib.util.spec_from_file_location("pg_restart_fault", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_web_recovers_after_postgresql_restarts_and_no_request_after_recovery_fails():
    summary = _load()._round(clients=6, outage=2.0, warmup=2.0, after=5.0)

    assert summary["failed_before"] == 0
    # The fault really happened: requests during the outage saw the database gone.
    assert summary["failed_during_outage"] > 0
    assert summary["requests_after_recovery"] > 0
    assert summary["requests_after_quiet_restart"] > 0
    assert summary["failures_after_recovery"] == []
    assert summary["passed"] is True
