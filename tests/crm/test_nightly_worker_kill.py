"""A worker SIGKILLed during the nightly run: the run completes exactly as an undisturbed one.

The steps live in scripts/faults/nightly_worker_kill.py (which also runs them on the bench
data): two copies of this test database, a private redis-server, real `celery worker`
processes; one copy's run is killed inside `risk.nightly` and finished by a new worker.
"""

import importlib.util
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from crm.jobs import registered_jobs

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.worker]


def _harness():
    path = ROOT / "scripts" / "faults" / "nightly_worker_kill.py"
    spec = importlib.util.spec_from_file_location("nightly_worker_kill", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def seeded():
    """A database of its own, migrated and seeded with the demo data by `manage.py`.

    Not the test database: copying needs a database nobody is connected to, and the suite's
    transactional tests flush the reference rows `seed_demo` needs.
    """
    harness = _harness()
    db = settings.DATABASES["default"]
    base = harness.Database("postgres://x@localhost/x")
    base.host, base.port = db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)
    base.user, base.password = db["USER"], db["PASSWORD"] or ""
    source = base.named(f"{db['NAME']}_fault_source")
    harness.drop_database(source)
    with base.named("postgres").cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{source.name}"')
    env = {**os.environ, "DATABASE_URL": source.url()}
    for command in (["migrate", "-v0"], ["seed_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    yield harness, source
    harness.drop_database(source)


def test_a_worker_killed_mid_run_changes_nothing_in_the_outcome(seeded, tmp_path):
    # given: the demo portfolio (customers, loans with overdue installments, contacts, service
    # requests, tasks) as of today; the nightly run is for tomorrow
    harness, source = seeded
    as_of = (timezone.localdate() + timedelta(days=1)).isoformat()
    jobs = [job.name for job in registered_jobs()]

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


def test_the_digest_sees_a_single_changed_value(seeded):
    harness, source = seeded
    copy = harness.clone_database(source, f"{source.name}_changed")
    try:
        baseline = harness.max_ids(copy)
        before = harness.digest(copy, baseline)
        with copy.cursor() as cursor:
            cursor.execute(
                "UPDATE risk_alert SET severity = 'low' WHERE id = "
                "(SELECT min(id) FROM risk_alert WHERE severity <> 'low')"
            )
            assert cursor.rowcount == 1
        after = harness.digest(copy, baseline)
    finally:
        harness.drop_database(copy)

    # The changed row, and the audit trail's event of that change (written by its trigger).
    assert harness.differences(before, after) == [
        f"audit_riskalertevent: {before['audit_riskalertevent']} "
        f"!= {after['audit_riskalertevent']}",
        f"risk_alert: {before['risk_alert']} != {after['risk_alert']}",
    ]
    assert after["audit_riskalertevent"][0] == before["audit_riskalertevent"][0] + 1
