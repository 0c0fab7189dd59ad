"""The daily-job registry behind `run_daily_jobs` and the Celery beat schedule.

Apps declare jobs in their own `jobs.py` with `@daily_job(...)`. A job takes the business
date (`as_of`) and returns a `JobResult`; it must be idempotent: running it twice for the same
date changes nothing the second time (API.md, Commands).
"""

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass
class JobResult:
    """What a job did: counts for the job-run table and a one-line summary."""

    summary: str
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class DailyJob:
    """A registered daily job."""

    name: str
    order: int
    func: Callable[..., JobResult]
    description: str = ""


_REGISTRY: dict[str, DailyJob] = {}


def daily_job(name: str, *, order: int, description: str = ""):
    """Register `func(*, as_of: date) -> JobResult` as a daily job run in `order`."""

    def decorator(func):
        _REGISTRY[name] = DailyJob(name=name, order=order, func=func, description=description)
        return func

    return decorator


def registered_jobs() -> list[DailyJob]:
    """All jobs in the order they run."""
    return sorted(_REGISTRY.values(), key=lambda job: (job.order, job.name))


def get_job(name: str) -> DailyJob:
    """The job called `name`; KeyError with the known names otherwise."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(
            f"Unknown daily job {name!r}; known: {', '.join(sorted(_REGISTRY))}"
        ) from None


def run_job(job: DailyJob, *, as_of: date, triggered_by: str = "command"):
    """Run one job for one date and record it in the job-run table; re-raises failures."""
    from .models import JobRun

    run = JobRun.objects.create(job=job.name, as_of=as_of, triggered_by=triggered_by)
    try:
        # Every write of the job, bulk updates included, is attributed to it in the audit trail.
        from audit.context import audit_context

        with audit_context(actor="system", job=job.name, as_of=as_of.isoformat()):
            result = job.func(as_of=as_of)
    except Exception:
        run.status = JobRun.Status.FAILED
        run.error = traceback.format_exc()[-4000:]
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        logger.exception("daily job %s failed for %s", job.name, as_of)
        raise
    run.status = JobRun.Status.SUCCEEDED
    run.summary = result.summary
    run.counts = result.counts
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "summary", "counts", "finished_at"])
    return run


def run_all(*, as_of: date, triggered_by: str = "command"):
    """Run every job in order for one date; yields each finished JobRun."""
    for job in registered_jobs():
        yield run_job(job, as_of=as_of, triggered_by=triggered_by)


@daily_job(
    "crm.access_log_purge",
    order=900,
    description="Delete access-log entries older than ACCESS_LOG_RETENTION_DAYS (DOMAIN.md §10).",
)
def access_log_purge_job(*, as_of: date) -> JobResult:
    """Apply the access log's retention period; the purge logs itself."""
    from .services import access_log_purge

    deleted, cutoff = access_log_purge(as_of=as_of)
    return JobResult(
        summary=f"{deleted} access-log entries before {cutoff:%Y-%m-%d} deleted",
        counts={"deleted": deleted},
    )
