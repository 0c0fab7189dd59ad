"""Fault test: a Celery worker SIGKILLed during the nightly run changes nothing in the outcome.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_jobs \\
        .venv/bin/python scripts/faults/nightly_worker_kill.py --as-of 2026-11-24

What it does, all on throwaway resources (the shared Redis and the source database are only
read):
1. copies the source database twice (CREATE DATABASE ... TEMPLATE; nothing may be connected
   to the source while it is copied) and starts a private redis-server on a free port;
2. undisturbed: a worker on copy A runs `crm.run_daily_jobs` for the date, and the batches and
   deliveries it queues, to the end;
3. disturbed: a worker on copy B gets the same task; this script holds the risk job's advisory
   lock, so the run stops inside `risk.nightly` after the DPD job, the reminder job and the
   risk scores have committed; the worker is SIGKILLed there, a new worker starts, Redis hands
   it the unacknowledged task again (acks_late) and the run starts over and completes;
4. compares a digest of every business table of the two copies and exits 1 when they differ.

The digest leaves out what differs between any two runs by nature: surrogate ids of rows the
run created (a killed transaction consumes sequence values; such rows are compared by content,
and foreign keys to them by the content of the row they point to), wall-clock timestamps
and external references such as an email's Message-ID (compared as set / not set), and the
bookkeeping of the runs themselves (job runs and their
batches: the disturbed run has one more attempt, which is the point).

tests/crm/test_nightly_worker_kill.py runs the same steps on a small data set.
"""

import argparse
import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from servers import ThrowawayRedis  # noqa: E402

RISK_JOB_LOCK = 7_341_020  # risk.services.RISK_JOB_LOCK (taken by rules_run)

# Bookkeeping of runs, sessions and logs: not the outcome of the nightly run.
# The audit trail's contexts record which process wrote (a killed attempt adds one): its events
# are compared, their context ids as set / not set.
SKIPPED_TABLES = {"crm_jobrun", "notifications_jobbatch", "crm_accesslog", "pghistory_context"}
SKIPPED_PREFIXES = ("django_", "axes_", "auth_", "authtoken_")
# Values made from a row's own surrogate id or by the outside world: compared as set / not set.
# (The email backend's Message-ID is "<crm-delivery-{id}@...>".)
PRESENCE_ONLY = {("notifications_delivery", "provider_reference")}
PRESENCE_ONLY_COLUMNS = {"pgh_context_id"}


# --- Throwaway Redis and workers ---------------------------------------------------------------


class Database:
    """Where a database lives, from a postgres:// URL."""

    def __init__(self, url: str):
        parts = urlsplit(url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 5432
        self.user = parts.username or "postgres"
        self.password = parts.password or ""
        self.name = parts.path.lstrip("/")

    def named(self, name: str) -> "Database":
        other = Database(self.url())
        other.name = name
        return other

    def url(self, application_name: str = "") -> str:
        auth = self.user + (f":{self.password}" if self.password else "")
        query = f"?application_name={application_name}" if application_name else ""
        return f"postgres://{auth}@{self.host}:{self.port}/{self.name}{query}"

    def connect(self, *, autocommit: bool = True):
        connection = psycopg2.connect(
            dbname=self.name, user=self.user, password=self.password, host=self.host, port=self.port
        )
        connection.autocommit = autocommit
        return connection

    @contextlib.contextmanager
    def cursor(self):
        """A cursor on a short session, closed afterwards (a copy needs its source idle)."""
        connection = self.connect()
        try:
            with connection.cursor() as cursor:
                yield cursor
        finally:
            connection.close()


def clone_database(source: Database, name: str) -> Database:
    """A copy of `source` called `name` (replaced if it exists)."""
    with source.named("postgres").cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source.name}"')
    return source.named(name)


def drop_database(database: Database) -> None:
    with database.named("postgres").cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE)')


class Worker:
    """One `celery worker --pool=solo` process on a database and a broker."""

    def __init__(self, name: str, *, database: Database, broker_url: str, directory: Path):
        self.name = name
        self.database = database
        self.broker_url = broker_url
        self.log_path = directory / f"{name}.log"
        self.mail_dir = directory / f"mail-{database.name}"
        self.mail_dir.mkdir(exist_ok=True)
        self.process: subprocess.Popen | None = None

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.database.url(application_name=self.name),
            "REDIS_URL": self.broker_url,
            "CELERY_BROKER_URL": self.broker_url,
            "CELERY_RESULT_BACKEND": self.broker_url,
            # Redeliver a dead worker's task after 10 s, and look for such tasks every second.
            "CELERY_BROKER_TRANSPORT_OPTIONS": json.dumps(
                {"visibility_timeout": 10, "unacked_restore_interval": 1}
                | {"unacked_restore_throttle": 1}
            ),
            # Four slashes: django-environ reads the path after the third as relative.
            "EMAIL_URL": f"filemail:///{self.mail_dir}",
            "PYTHONUNBUFFERED": "1",
        }

    def start(self, app) -> "Worker":
        log = open(self.log_path, "a")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "crm", "worker", "--pool=solo"]
            + ["--without-gossip", "--without-mingle", "-n", f"{self.name}@%h", "--loglevel=INFO"],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.log_path.read_text()[-3000:])
            if app.control.ping(destination=[f"{self.name}@{os.uname().nodename}"], timeout=0.5):
                return self
        raise RuntimeError(f"worker {self.name} did not start")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no acknowledgement, the task stays with the broker."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def broker_app(broker_url: str):
    """A bare Celery client on the throwaway broker (sends tasks and pings, runs nothing)."""
    from celery import Celery

    return Celery("nightly-fault", broker=broker_url, backend=broker_url)


def wait_for(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


# --- What "the run is complete" means ----------------------------------------------------------


def run_complete(database: Database, *, as_of: str, jobs: list[str]) -> bool:
    """Every job succeeded for the date, every batch done, no due delivery left unsent."""
    with database.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT job) FROM crm_jobrun "
            "WHERE as_of = %s AND status = 'succeeded' AND job = ANY(%s)",
            [as_of, jobs],
        )
        if cursor.fetchone()[0] < len(jobs):
            return False
        cursor.execute("SELECT count(*) FROM notifications_jobbatch WHERE status <> 'done'")
        if cursor.fetchone()[0]:
            return False
        cursor.execute(
            "SELECT count(*) FROM notifications_delivery WHERE status = 'sending' "
            "OR (status = 'pending' AND next_attempt_at <= now())"
        )
        return cursor.fetchone()[0] == 0


def waiting_on_risk_lock(database: Database) -> bool:
    """A worker's transaction is inside risk.nightly, waiting for the advisory lock we hold."""
    with database.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
            "WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = %s",
            [database.name],
        )
        return cursor.fetchone()[0] > 0


# --- The digest --------------------------------------------------------------------------------


def _tables(cursor) -> list[str]:
    cursor.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    return [
        name
        for (name,) in cursor.fetchall()
        if name not in SKIPPED_TABLES and not name.startswith(SKIPPED_PREFIXES)
    ]


def _columns(cursor, table: str) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = %s ORDER BY column_name",
        [table],
    )
    return cursor.fetchall()


def _foreign_keys(cursor) -> dict[tuple[str, str], str]:
    """(table, column) → referenced table, for single-column foreign keys to an `id`."""
    cursor.execute(
        """
        SELECT cl.relname, att.attname, ref.relname
        FROM pg_constraint c
        JOIN pg_class cl ON cl.oid = c.conrelid
        JOIN pg_class ref ON ref.oid = c.confrelid
        JOIN pg_attribute att ON att.attrelid = c.conrelid AND att.attnum = c.conkey[1]
        WHERE c.contype = 'f' AND array_length(c.conkey, 1) = 1
        """
    )
    return {(table, column): target for table, column, target in cursor.fetchall()}


def max_ids(database: Database) -> dict[str, int]:
    """The highest id of every table with an integer id: rows above it are new."""
    result = {}
    with database.cursor() as cursor:
        for table in _tables(cursor):
            if ("id", "bigint") in _columns(cursor, table) or ("id", "integer") in _columns(
                cursor, table
            ):
                cursor.execute(f'SELECT coalesce(max(id), 0) FROM "{table}"')
                result[table] = cursor.fetchone()[0]
    return result


class _Digester:
    """Content fingerprints of rows, with new rows' ids replaced by what they hold."""

    def __init__(self, cursor, baseline: dict[str, int]):
        self.cursor = cursor
        self.baseline = baseline
        self.foreign_keys = _foreign_keys(cursor)
        self.columns: dict[str, list[tuple[str, str]]] = {}
        self.memo: dict[tuple[str, int], str] = {}
        self.in_progress: set[tuple[str, int]] = set()

    def _cols(self, table):
        if table not in self.columns:
            self.columns[table] = _columns(self.cursor, table)
        return self.columns[table]

    def reference(self, table: str, value):
        """A foreign-key value: old rows by id, rows the run created by their content."""
        if value is None or table not in self.baseline or value <= self.baseline[table]:
            return value
        key = (table, value)
        if key not in self.memo:
            if key in self.in_progress:  # a cycle between new rows: the id is all there is
                return f"cycle:{table}"
            self.in_progress.add(key)
            names = [name for name, _ in self._cols(table)]
            self.cursor.execute(f'SELECT * FROM "{table}" WHERE id = %s', [value])
            columns = [d[0] for d in self.cursor.description]
            row = dict(zip(columns, self.cursor.fetchone(), strict=True))
            self.memo[key] = self.fingerprint(table, [row[name] for name in names])
            self.in_progress.discard(key)
        return self.memo[key]

    def fingerprint(self, table: str, values: list) -> str:
        parts = []
        for (name, kind), value in zip(self._cols(table), values, strict=True):
            if name == "id" and table in self.baseline:
                parts.append(value if value <= self.baseline[table] else "new")
            elif (
                kind.startswith("timestamp")
                or (table, name) in PRESENCE_ONLY
                or name in PRESENCE_ONLY_COLUMNS
            ):
                parts.append(value is not None and value != "")  # differs between any runs
            elif (table, name) in self.foreign_keys:
                parts.append(self.reference(self.foreign_keys[(table, name)], value))
            else:
                parts.append(value)
        return hashlib.sha256(json.dumps(parts, default=str, sort_keys=True).encode()).hexdigest()

    def rows(self, table: str) -> list[str]:
        """Every row of `table` as its readable parts (for explaining a difference)."""
        self.cursor.execute(f'SELECT * FROM "{table}"')
        described = [d[0] for d in self.cursor.description]
        raw = [dict(zip(described, row, strict=True)) for row in self.cursor.fetchall()]
        result = []
        for row in raw:
            parts = {}
            for name, kind in self._cols(table):
                value = row[name]
                if name == "id" and table in self.baseline:
                    value = value if value <= self.baseline[table] else "new"
                elif (
                    kind.startswith("timestamp")
                    or (table, name) in PRESENCE_ONLY
                    or name in PRESENCE_ONLY_COLUMNS
                ):
                    value = value is not None and value != ""
                elif (table, name) in self.foreign_keys:
                    value = self.reference(self.foreign_keys[(table, name)], value)
                parts[name] = value
            result.append(json.dumps(parts, default=str, sort_keys=True))
        return sorted(result)

    def table(self, table: str) -> tuple[int, str]:
        names = [name for name, _ in self._cols(table)]
        select = ", ".join(f'"{name}"' for name in names)
        rows = []
        with self.cursor.connection.cursor(name=f"digest_{table}") as stream:
            stream.itersize = 5000
            stream.execute(f'SELECT {select} FROM "{table}"')
            rows = [self.fingerprint(table, list(row)) for row in stream]
        rows.sort()
        return len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()


def digest(database: Database, baseline: dict[str, int]) -> dict[str, tuple[int, str]]:
    """Per business table: (row count, hash of the sorted row fingerprints)."""
    connection = database.connect(autocommit=False)
    try:
        cursor = connection.cursor()
        digester = _Digester(cursor, baseline)
        return {table: digester.table(table) for table in _tables(cursor)}
    finally:
        connection.close()


def explain(left_db: Database, right_db: Database, table: str, baseline, limit: int = 5):
    """Rows of `table` found on one side only (readable, at most `limit` per side)."""
    sides = []
    for database in (left_db, right_db):
        connection = database.connect(autocommit=False)
        try:
            sides.append(_Digester(connection.cursor(), baseline).rows(table))
        finally:
            connection.close()
    left, right = sides
    only_left = [row for row in left if row not in set(right)][:limit]
    only_right = [row for row in right if row not in set(left)][:limit]
    return only_left, only_right


def differences(left: dict, right: dict) -> list[str]:
    return [
        f"{table}: {left.get(table)} != {right.get(table)}"
        for table in sorted(set(left) | set(right))
        if left.get(table) != right.get(table)
    ]


# --- The two runs ------------------------------------------------------------------------------


def run_undisturbed(app, redis, database, directory, *, as_of, jobs, timeout):
    worker = Worker("undisturbed", database=database, broker_url=redis.url, directory=directory)
    try:
        worker.start(app)
        app.send_task("crm.run_daily_jobs", args=[as_of])
        wait_for(
            lambda: run_complete(database, as_of=as_of, jobs=jobs),
            timeout=timeout,
            what="the undisturbed run",
        )
    finally:
        worker.stop()


def run_with_kill(app, redis, database, directory, *, as_of, jobs, timeout) -> dict:
    """The same run, with its worker SIGKILLed inside risk.nightly; returns what happened."""
    victim = Worker("victim", database=database, broker_url=redis.url, directory=directory)
    successor = Worker("successor", database=database, broker_url=redis.url, directory=directory)
    holder = database.connect()
    try:
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [RISK_JOB_LOCK])
        victim.start(app)
        app.send_task("crm.run_daily_jobs", args=[as_of])
        wait_for(
            lambda: waiting_on_risk_lock(database), timeout=timeout, what="the run to reach risk"
        )
        with database.cursor() as cursor:
            cursor.execute(
                "SELECT job, status FROM crm_jobrun WHERE as_of = %s ORDER BY started_at",
                [as_of],
            )
            at_kill = cursor.fetchall()
        victim.kill()
        holder.close()  # the lock goes with our session
        successor.start(app)
        wait_for(
            lambda: run_complete(database, as_of=as_of, jobs=jobs),
            timeout=timeout,
            what="the run after the kill",
        )
        with database.cursor() as cursor:
            cursor.execute(
                "SELECT job, status FROM crm_jobrun WHERE as_of = %s ORDER BY started_at",
                [as_of],
            )
            after = cursor.fetchall()
        return {"at_kill": at_kill, "after": after}
    finally:
        if not holder.closed:
            holder.close()
        victim.stop()
        successor.stop()


def compare(source: Database, *, as_of: str, jobs: list[str], directory: Path, timeout: float):
    """Run undisturbed and killed on two copies of `source`; returns (diffs, digest, kill)."""
    redis = ThrowawayRedis(directory).start()
    app = broker_app(redis.url)
    baseline = max_ids(source)
    calm = clone_database(source, f"{source.name}_fault_calm")
    killed = clone_database(source, f"{source.name}_fault_killed")
    try:
        run_undisturbed(app, redis, calm, directory, as_of=as_of, jobs=jobs, timeout=timeout)
        kill = run_with_kill(app, redis, killed, directory, as_of=as_of, jobs=jobs, timeout=timeout)
        calm_digest = digest(calm, baseline)
        killed_digest = digest(killed, baseline)
        diffs = differences(calm_digest, killed_digest)
        for table in sorted(t for t in calm_digest if calm_digest[t] != killed_digest.get(t)):
            only_calm, only_killed = explain(calm, killed, table, baseline)
            diffs += [f"  undisturbed only: {row}" for row in only_calm]
            diffs += [f"  killed only:      {row}" for row in only_killed]
        return diffs, calm_digest, kill
    finally:
        redis.stop()
        drop_database(calm)
        drop_database(killed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", required=True, help="business date, YYYY-MM-DD")
    parser.add_argument("--timeout", type=float, default=1800)
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    import django

    django.setup()
    from crm.jobs import registered_jobs

    jobs = [job.name for job in registered_jobs()]
    source = Database(os.environ["DATABASE_URL"])
    with tempfile.TemporaryDirectory() as directory:
        diffs, calm_digest, kill = compare(
            source, as_of=options.as_of, jobs=jobs, directory=Path(directory),
            timeout=options.timeout,
        )  # fmt: skip
    print("killed while:", kill["at_kill"])
    print("job runs after:", kill["after"])
    rows = sum(count for count, _ in calm_digest.values())
    print(f"{len(calm_digest)} tables, {rows:,} rows compared")
    if diffs:
        print("DIFFERENT:\n" + "\n".join(diffs))
        return 1
    print("identical: the killed run ended exactly as the undisturbed one")
    return 0


if __name__ == "__main__":
    sys.exit(main())
