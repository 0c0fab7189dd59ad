"""Fixtures shared by the whole suite: users by role, logged-in clients, a real Celery worker."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from crm.roles import Role
from tests.factories import TeamFactory, make_user

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """Give every test its own cache key prefix on the real Redis.

    Throttle counters and cached aggregates start empty, and nothing is flushed: the Redis
    database is shared with the Celery broker and with other test runs on the machine.
    """
    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for alias, config in settings.CACHES.items()
    }


@pytest.fixture
def team_a(db):
    return TeamFactory(name="Team A")


@pytest.fixture
def team_b(db):
    return TeamFactory(name="Team B")


@pytest.fixture
def rm(team_a):
    return make_user(Role.RELATIONSHIP_MANAGER, team=team_a, username="rm_a1")


@pytest.fixture
def rm_same_team(team_a):
    return make_user(Role.RELATIONSHIP_MANAGER, team=team_a, username="rm_a2")


@pytest.fixture
def rm_other_team(team_b):
    return make_user(Role.RELATIONSHIP_MANAGER, team=team_b, username="rm_b1")


@pytest.fixture
def lead(team_a):
    return make_user(Role.TEAM_LEAD, lead_of=team_a, username="lead_a")


@pytest.fixture
def approver(db):
    return make_user(Role.CREDIT_APPROVER, username="approver_x")


@pytest.fixture
def approver2(db):
    return make_user(Role.CREDIT_APPROVER, username="approver_y")


@pytest.fixture
def risk_officer(db):
    return make_user(Role.RISK_OFFICER, username="risk_x")


@pytest.fixture
def admin_user(db):
    return make_user(None, username="admin_x", is_staff=True, is_superuser=True)


@pytest.fixture
def no_role_user(db):
    return make_user(None, username="nobody_x")


def _api_client_for(user):
    client = APIClient()
    client.force_authenticate(user=user)
    client.user = user
    return client


@pytest.fixture
def api_for():
    """`api_for(user)`: an API client authenticated as that user."""
    return _api_client_for


@pytest.fixture
def web_for(client):
    """`web_for(user)`: the Django test client logged in as that user."""

    def login(user):
        client.force_login(user)
        client.user = user
        return client

    return login


@pytest.fixture
def celery_worker_queue(transactional_db, settings):
    """A real Celery worker process on the real Redis, consuming a queue of its own.

    The worker uses the test database, so tasks it runs see data the test committed.
    Yields the queue name; the worker is stopped afterwards.
    """
    queue = f"crm-test-{uuid.uuid4().hex[:8]}"
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}"
            f":{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "PYTHONUNBUFFERED": "1",
    }
    log_path = ROOT / "test-output" / f"worker-{queue}.log"
    log_path.parent.mkdir(exist_ok=True)
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "crm",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "-Q",
                queue,
                "-n",
                f"{queue}@%h",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for_worker(queue, process, log_path)
            yield queue
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_for_worker(queue, process, log_path, timeout=40.0):
    from crm.celery import app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Celery worker exited early:\n{log_path.read_text()[-3000:]}")
        if app.control.ping(destination=[f"{queue}@{os.uname().nodename}"], timeout=0.5):
            return
    raise RuntimeError(f"Celery worker did not start in time:\n{log_path.read_text()[-3000:]}")


class _Clock:
    """A settable `timezone.now()` for tests of deadlines (SLA clocks, cadence)."""

    def __init__(self, monkeypatch):
        from django.utils import timezone

        self.moment = None
        monkeypatch.setattr(timezone, "now", self.now)

    def now(self):
        from datetime import UTC, datetime

        return self.moment or datetime.now(UTC)

    def set(self, moment):
        self.moment = moment
        return moment


@pytest.fixture
def clock(monkeypatch):
    """`clock.set(datetime)` freezes `django.utils.timezone.now()` at that instant."""
    return _Clock(monkeypatch)
