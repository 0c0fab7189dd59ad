"""A worker SIGKILLed during the nightly run: the run completes exactly as an undisturbed one.

The steps live in scripts/faults/nightly_worker_kill.py (which also runs them on the bench
data): two copies of this test database, a private redis-server, real `celery worker`
processes; one copy's run is killed inside `risk.nightly` and finished by a new worker.
"""

import importlib.util
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from crm.jobs import registered_jobs

ROOT = Path(__file__).resolve().parents[2]
# serialized_rollback: seed_demo needs the reference rows the migrations wrote (industries,
# products), which the flush after a transactional test removes.
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _harness():
    path = ROOT / "scripts" / "faults" / "nightly_worker_kill.py"
    spec = importlib.util.spec_from_file_location("nightly_worker_kill", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _test_database(harness):
    db = settings.DATABASES["default"]
    database = harness.Database("postgres://x@localhost/x")
    database.host, database.port = db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)
    database.user, database.password, database.name = db["USER"], db["PASSWORD"] or "", db["NAME"]
    return database


def test_a_worker_killed_mid_run_changes_nothing_in_the_outcome(tmp_path):
    # given: the demo portfolio (customers, loans with overdue installments, contacts, service
    # requests, tasks) as of today; the nightly run is for tomorrow
    harness = _harness()
    call_command("seed_demo", stdout=StringIO())
    as_of = (timezone.localdate() + timedelta(days=1)).isoformat()
    jobs = [job.name for job in registered_jobs()]
    source = _test_database(harness)
    connections.close_all()  # a database is copied only while nobody is connected to it

    # when: one copy runs undisturbed, the other's worker is killed inside risk.nightly
    diffs, calm_digest, kill = harness.compare(
        source, as_of=as_of, jobs=jobs, directory=tmp_path, timeout=240
    )

    # then: the kill really happened mid-run, after jobs had committed their work ...
    assert kill["at_kill"] == [
        ("loans.dpd_classification", "succeeded"),
        ("notifications.repayment_reminders", "succeeded"),
        ("risk.nightly", "running"),
    ]
    # ... the redelivered task ran every job to success (the dead attempt stays "running") ...
    assert kill["after"][:3] == kill["at_kill"]
    assert kill["after"][3:] == [(name, "succeeded") for name in jobs]
    # ... the run did real work (so an identical digest means something) ...
    before = harness.digest(source, harness.max_ids(source))
    changed = {table for table in calm_digest if calm_digest[table] != before.get(table)}
    assert {
        "customers_customer",
        "interactions_task",
        "notifications_delivery",
        "notifications_notification",
        "risk_alert",
        "risk_riskscore",
    } <= changed
    # ... and both copies ended with the same rows in every business table.
    assert diffs == [], "\n".join(diffs)


def test_the_digest_sees_a_single_changed_value():
    harness = _harness()
    call_command("seed_demo", stdout=StringIO())
    source = _test_database(harness)
    connections.close_all()
    baseline = harness.max_ids(source)
    before = harness.digest(source, baseline)

    with source.cursor() as cursor:
        cursor.execute("UPDATE risk_alert SET severity = 'low' WHERE severity <> 'low' AND id = ("
                       "SELECT min(id) FROM risk_alert WHERE severity <> 'low')")  # fmt: skip
        assert cursor.rowcount == 1

    after = harness.digest(source, baseline)
    assert harness.differences(before, after) == [
        f"risk_alert: {before['risk_alert']} != {after['risk_alert']}"
    ]
