"""Real workers on a throwaway Redis: killed mid-batch, Redis stopped, beat firing.

These tests start their own `redis-server` on a free port and their own workers, and stop
them afterwards; the machine's shared PostgreSQL and Redis are never stopped.
"""

import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from crm.celery import app
from crm.roles import Role
from customers.models import Industry
from interactions.models import Task
from notifications.models import Delivery, JobBatch, Notification
from tests.factories import make_user
from tests.notifications.conftest import broker_at

ROOT = Path(__file__).resolve().parents[2]
DAY = date(2026, 3, 16)
pytestmark = [pytest.mark.worker]


def _fault_servers():
    """scripts/faults/servers.py: the one throwaway redis-server of the fault drills."""
    spec = importlib.util.spec_from_file_location(
        "fault_servers", ROOT / "scripts" / "faults" / "servers.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


ThrowawayRedis = _fault_servers().ThrowawayRedis


@pytest.fixture
def throwaway_redis(tmp_path):
    redis = ThrowawayRedis(tmp_path).start()
    yield redis
    redis.stop()


class Workers:
    """Celery worker processes on the throwaway broker, using the test database."""

    def __init__(self, broker_url, mail_dir, log_dir):
        self.broker_url = broker_url
        self.mail_dir = mail_dir
        self.log_dir = log_dir
        self.processes: dict[str, subprocess.Popen] = {}

    def env(self, name):
        db = settings.DATABASES["default"]
        return {
            **os.environ,
            "DATABASE_URL": (
                f"postgres://{db['USER']}:{db.get('PASSWORD') or ''}@{db['HOST'] or '127.0.0.1'}"
                f":{db['PORT'] or 5432}/{db['NAME']}?application_name={name}"
            ),
            "REDIS_URL": self.broker_url,
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_RESULT_BACKEND": self.broker_url,
            # Redeliver a dead worker's task after 20 s, and look for such tasks every second.
            "CELERY_BROKER_TRANSPORT_OPTIONS": json.dumps(
                {
                    "visibility_timeout": 20,
                    "unacked_restore_interval": 1,
                    "unacked_restore_throttle": 1,
                }
            ),
            # Four slashes: django-environ reads the path after the third as relative.
            "EMAIL_URL": f"filemail:///{self.mail_dir}",
            "NOTIFICATIONS_BATCH_SIZE": "10",
            "PYTHONUNBUFFERED": "1",
        }

    def start(self, name):
        log = open(self.log_dir / f"{name}.log", "a")  # noqa: SIM115 - closed with the process
        self.processes[name] = subprocess.Popen(
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
                "-n",
                f"{name}@%h",
                "--loglevel=INFO",
            ],
            cwd=ROOT,
            env=self.env(name),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.processes[name].poll() is not None:
                raise RuntimeError((self.log_dir / f"{name}.log").read_text()[-3000:])
            if app.control.ping(destination=[f"{name}@{os.uname().nodename}"], timeout=0.5):
                return self.processes[name]
        raise RuntimeError(f"worker {name} did not start")

    def kill(self, name):
        self.processes[name].send_signal(signal.SIGKILL)
        self.processes[name].wait(timeout=10)

    def send(self, task_name, args):
        app.send_task(task_name, args=args)

    def stop_all(self):
        for process in self.processes.values():
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()


@pytest.fixture
def workers(throwaway_redis, tmp_path, transactional_db):
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    pool = Workers(throwaway_redis.url, mail_dir, tmp_path)
    # This process publishes (tasks, control pings) to the throwaway broker too.
    with broker_at(throwaway_redis.url):
        try:
            yield pool
        finally:
            pool.stop_all()


def wait_for(condition, *, timeout=90.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def sent_email_delivery_ids(mail_dir) -> list[str]:
    """The X-CRM-Delivery header of every email the workers really sent."""
    ids = []
    for path in mail_dir.iterdir():
        ids += re.findall(r"^X-CRM-Delivery: (\d+)$", path.read_text(), flags=re.MULTILINE)
    return ids


def make_due_tasks(owners, per_owner):
    Industry.objects.get_or_create(code="C", defaults={"name": "Manufacturing"})
    tasks = []
    for owner in owners:
        for number in range(per_owner):
            tasks.append(
                Task.objects.create(owner=owner, title=f"{owner.username} #{number}", due_date=DAY)
            )
    return tasks


def test_a_worker_killed_mid_batch_loses_nothing_and_duplicates_nothing(workers):
    # given: 50 tasks of 6 owners, in 5 batches of 10. For one task of batch 3 an in-app
    # delivery is already recorded and this test holds its row lock, so the worker doing
    # batch 3 stops in the middle of its transaction, after inserting the batch's other rows.
    owners = [make_user(Role.RELATIONSHIP_MANAGER, username=f"kill_rm{n}") for n in range(1, 7)]
    tasks = make_due_tasks(owners[:2], 10) + make_due_tasks(owners[2:3], 5)
    tasks += make_due_tasks(owners[3:4], 5) + make_due_tasks(owners[4:], 10)
    hostage = tasks[27]
    recorded = Delivery.objects.create(
        subject=f"task:{hostage.pk}",
        rung=f"due:{DAY.isoformat()}",
        recipient=f"user:{hostage.owner_id}",
        recipient_user_id=hostage.owner_id,
        channel="in_app",
        kind="task_due",
        title=hostage.title,
        body=f'Your follow-up "{hostage.title}" is due on 2026-03-16.',
        business_date=DAY,
    )
    db = settings.DATABASES["default"]
    blocker = psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"],
        password=db.get("PASSWORD") or "",
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
    )
    workers.start("victim")
    workers.start("survivor")
    try:
        with blocker.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM notifications_delivery WHERE id = %s FOR UPDATE", [recorded.pk]
            )

            # when: beat's entry fires; the batches spread over both workers
            workers.send(
                "notifications.run_scheduled_jobs", [["notifications.task_due"], DAY.isoformat()]
            )

            def blocked_backend():
                """Application names of worker connections waiting for our lock."""
                with connection.cursor() as probe:
                    probe.execute(
                        "SELECT application_name FROM pg_stat_activity "
                        "WHERE %s = ANY(pg_blocking_pids(pid))",
                        [blocker.get_backend_pid()],
                    )
                    return [row[0] for row in probe.fetchall()]

            wait_for(lambda: blocked_backend(), what="a batch blocked mid-insert")
            holder = blocked_backend()[0]
            try:
                wait_for(
                    lambda: JobBatch.objects.filter(status="done").count() == 4,
                    what="the other batches",
                    timeout=30,
                )
            except AssertionError:
                with connection.cursor() as probe:
                    probe.execute(
                        "SELECT a.pid, a.application_name, pg_blocking_pids(a.pid), "
                        "l.locktype, l.mode, l.relation::regclass, left(a.query, 120) "
                        "FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid "
                        "WHERE NOT l.granted"
                    )
                    rows = probe.fetchall()
                    probe.execute(
                        "SELECT number, ids, status FROM notifications_jobbatch ORDER BY number"
                    )
                    raise AssertionError(f"{rows}\n{probe.fetchall()}") from None
            # then: the worker in the middle of batch 3 is killed
            workers.kill(holder)
        blocker.rollback()
        # and restarted
        workers.start(holder)

        wait_for(
            lambda: (
                JobBatch.objects.filter(status="done").count() == 5
                and JobBatch.objects.count() == 5
            ),
            what="every batch done",
        )
        wait_for(
            lambda: Delivery.objects.filter(channel="email", status="sent").count() == 50,
            what="every email sent",
        )
    finally:
        blocker.close()

    # Every task: one notification, one email, exactly once.
    assert Notification.objects.count() == 50
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted(
        task.owner_id for task in tasks
    )
    assert Delivery.objects.count() == 100
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    emails = sent_email_delivery_ids(workers.mail_dir)
    assert len(emails) == 50
    assert len(set(emails)) == 50
    assert JobBatch.objects.filter(number=3).get().counts == {
        "tasks": 10,
        "notifications": 10,
        "queued": 10,
    }


def test_with_redis_down_pages_render_and_the_next_run_catches_up(
    workers, throwaway_redis, client, settings
):
    rm = make_user(Role.RELATIONSHIP_MANAGER, username="down_rm")
    make_due_tasks([rm], 3)
    Notification.objects.create(recipient=rm, kind="alert", message="Earlier alert")
    # This process's cache and health check use the throwaway Redis as well.
    settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": throwaway_redis.url}}
    settings.REDIS_URL = throwaway_redis.url  # (changing CACHES rebuilds the cache handler)
    client.force_login(rm)

    # given: Redis goes down on the 16th, so beat cannot fire that day's jobs
    throwaway_redis.stop()

    # then: the web keeps working
    assert client.get("/").status_code == 200
    page = client.get("/notifications/")
    assert page.status_code == 200
    assert "Earlier alert" in page.content.decode()
    assert client.get("/api/v1/notifications/").json()["count"] == 1
    assert client.post("/notifications/read-all/").status_code == 302
    health = client.get("/healthz")
    assert (health.status_code, health.json()["redis"]) == (200, "down")

    # when: Redis is back the next day and beat fires the 17th's run
    throwaway_redis.start()
    workers.start("next-day")
    workers.send("notifications.run_scheduled_jobs", [["notifications.task_due"], "2026-03-17"])
    wait_for(
        lambda: Delivery.objects.filter(channel="email", status="sent").count() == 3,
        what="the catch-up emails",
    )

    # then: the tasks due on the missed day were announced, once
    assert Notification.objects.filter(kind="task_due").count() == 3
    assert len(sent_email_delivery_ids(workers.mail_dir)) == 3


def test_beat_fires_a_daily_job_that_the_workers_run_in_batches(workers, tmp_path):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from crm.models import JobRun

    rm = make_user(Role.RELATIONSHIP_MANAGER, username="beat_rm")
    make_due_tasks([rm], 12)
    every_second, _ = IntervalSchedule.objects.get_or_create(
        every=1, period=IntervalSchedule.SECONDS
    )
    PeriodicTask.objects.create(
        name="test: task-due reminders for 16 March",
        task="notifications.run_scheduled_jobs",
        args=json.dumps([["notifications.task_due"], DAY.isoformat()]),
        interval=every_second,
        one_off=True,
    )
    workers.start("beat-worker")
    with open(tmp_path / "beat.log", "w") as log:
        beat = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "crm",
                "beat",
                "--loglevel=INFO",
                "--max-interval=1",
                "-s",
                str(tmp_path / "beat-schedule"),
            ],
            cwd=ROOT,
            env=workers.env("beat"),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(
                lambda: Delivery.objects.filter(channel="email", status="sent").count() == 12,
                what="the emails of the job beat fired",
            )
        finally:
            beat.terminate()
            beat.wait(timeout=15)

    # One run: the one-off entry fired once (a second run would add a second JobRun).
    run = JobRun.objects.get(job="notifications.task_due")
    assert (run.triggered_by, run.counts) == ("beat", {"ids": 12, "batches": 2, "dispatched": 2})
    assert list(JobBatch.objects.values_list("status", flat=True)) == ["done", "done"]
    assert Notification.objects.filter(recipient=rm, kind="task_due").count() == 12
    assert len(sent_email_delivery_ids(workers.mail_dir)) == 12
