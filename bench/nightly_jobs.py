"""Time every daily job for one business date, twice, with its query count and peak memory.

    DATABASE_URL=... .venv/bin/python -m bench.nightly_jobs --as-of 2026-11-24 [--runs 2]

Runs the jobs in-process in their registered order, as `manage.py run_daily_jobs` does, and
prints one row per job and run: wall time, this process's CPU time (PostgreSQL's is not in
it), SQL statements issued and the process's peak RSS
after the job (peak RSS only grows, so a job that loads a whole table shows as a step). The
second run for the same date must change nothing (idempotent), so it is the cost of checking.
Report numbers in docs/benchmarks.md ("Nightly jobs"); this is a benchmark, not a test.
"""

import argparse
import os
import resource
import sys
import time
from datetime import date
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1])]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from crm import jobs  # noqa: E402


class QueryCounter:
    """Counts statements without keeping them (CaptureQueriesContext would grow with the run)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def cpu_seconds() -> float:
    """CPU time of this process (user + system): less noisy than wall time on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def table_sizes() -> dict[str, int]:
    tables = {
        "customers": "customers_customer",
        "loans": "loans_loan",
        "installments": "loans_installment",
        "interactions": "interactions_interaction",
        "service requests": "interactions_servicerequest",
    }
    sizes = {}
    with connection.cursor() as cursor:
        for label, table in tables.items():
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            sizes[label] = cursor.fetchone()[0]
    return sizes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--as-of", type=date.fromisoformat, required=True)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--job", action="append", default=None)
    options = parser.parse_args()
    selected = jobs.registered_jobs()
    if options.job:
        selected = [jobs.get_job(name) for name in options.job]
    print("data:", ", ".join(f"{n:,} {label}" for label, n in table_sizes().items()))
    header = f"{'run':>3} {'job':<36} {'seconds':>8} {'CPU s':>7} {'queries':>8}"
    print(f"{header} {'peak MiB':>9}  summary")
    for number in range(1, options.runs + 1):
        run_started = time.perf_counter()
        for job in selected:
            counter = QueryCounter()
            cpu = cpu_seconds()
            started = time.perf_counter()
            with connection.execute_wrapper(counter):
                run = jobs.run_job(job, as_of=options.as_of, triggered_by="command")
            seconds = time.perf_counter() - started
            print(
                f"{number:>3} {job.name:<36} {seconds:>8.2f} {cpu_seconds() - cpu:>7.2f} "
                f"{counter.count:>8} "
                f"{peak_rss_mib():>9.0f}  {run.summary[:90]}",
                flush=True,
            )
        print(f"{number:>3} {'total':<36} {time.perf_counter() - run_started:>8.2f}", flush=True)


if __name__ == "__main__":
    main()
