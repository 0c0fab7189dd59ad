"""Portfolio-wide work in batches of ids, shared by several workers, each batch done once.

A daily job finds its work with one query and calls `run_in_batches`. Run from
`run_daily_jobs` the batches run in-process, one after the other (API.md: synchronously). Run
from beat, each batch becomes a `JobBatch` row and a `notifications.run_batch` task; the task
does the batch's writes and marks the row done in one transaction, so a worker killed mid-batch
leaves nothing behind and the redelivered task does the whole batch again, once.
"""

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from crm.models import JobRun

from .choices import BatchStatus, DeliveryStatus
from .models import Delivery, JobBatch

logger = logging.getLogger(__name__)

BatchHandler = Callable[..., dict[str, int]]
_HANDLERS: dict[str, BatchHandler] = {}


def batch_handler(job: str):
    """Register `func(*, ids: list[int], as_of: date) -> counts` as the batch step of `job`."""

    def decorator(func):
        _HANDLERS[job] = func
        return func

    return decorator


def get_handler(job: str) -> BatchHandler:
    return _HANDLERS[job]


def chunked(ids: list[int], size: int) -> list[list[int]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


def current_run(job: str, as_of: date) -> JobRun | None:
    """The job run `crm.jobs.run_job` opened for this job and date, if any."""
    return (
        JobRun.objects.filter(job=job, as_of=as_of, status=JobRun.Status.RUNNING)
        .order_by("-started_at")
        .first()
    )


def _dispatches(run: JobRun | None) -> bool:
    mode = settings.NOTIFICATIONS_DISPATCH
    if run is None or mode == "never":
        return False
    return mode == "always" or run.triggered_by == "beat"


def run_in_batches(*, job: str, as_of: date, ids: Iterable[int]) -> dict[str, int]:
    """Run `job`'s batch handler over `ids`, in-process or on the workers; returns counts."""
    ids = sorted(set(ids))
    batches = chunked(ids, settings.NOTIFICATIONS_BATCH_SIZE)
    run = current_run(job, as_of)
    if not _dispatches(run):
        handler = get_handler(job)
        totals: Counter = Counter()
        for batch in batches:
            totals.update(handler(ids=batch, as_of=as_of))
        return {"ids": len(ids), "batches": len(batches), **totals}
    with transaction.atomic():
        rows = JobBatch.objects.bulk_create(
            [
                JobBatch(job_run=run, job=job, as_of=as_of, number=number, ids=batch)
                for number, batch in enumerate(batches, start=1)
            ]
        )
        batch_ids = [row.pk for row in rows]
        transaction.on_commit(lambda: enqueue_batches(batch_ids))
    return {"ids": len(ids), "batches": len(batches), "dispatched": len(batches)}


def enqueue_batches(batch_ids: list[int]) -> bool:
    """Hand batches to the workers; False when the broker is down (the sweep retries)."""
    from .tasks import run_batch_task

    try:
        with run_batch_task.app.producer_or_acquire() as producer:
            for batch_id in batch_ids:
                run_batch_task.apply_async(args=[batch_id], retry=False, producer=producer)
    except Exception as exc:  # broker down: the rows stay pending; batches_sweep re-queues them
        logger.warning("could not queue %d batches, left pending: %s", len(batch_ids), exc)
        return False
    return True


def batch_run(*, batch_id: int) -> JobBatch | None:
    """Do one batch, once: its writes and its `done` mark commit together."""
    with transaction.atomic():
        # The lock makes a duplicate task wait, then see `done` and do nothing.
        batch = (
            JobBatch.objects.select_for_update(of=("self",)).filter(pk=batch_id).order_by().first()
        )
        if batch is None:
            return None
        if batch.status == BatchStatus.DONE:
            # A worker that died right after committing never queued the batch's sends.
            transaction.on_commit(lambda: requeue_pending_deliveries(as_of=batch.as_of))
            return batch
        batch.counts = dict(get_handler(batch.job)(ids=batch.ids, as_of=batch.as_of))
        batch.status = BatchStatus.DONE
        batch.finished_at = timezone.now()
        batch.save(update_fields=["counts", "status", "finished_at"])
    return batch


def batches_sweep(*, older_than_seconds: int = 600) -> int:
    """Re-queue batches still pending long after they were created (a broker outage)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    stuck = list(
        JobBatch.objects.filter(status=BatchStatus.PENDING, created_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
    enqueue_batches(stuck)
    return len(stuck)


def requeue_pending_deliveries(*, as_of: date) -> int:
    """Queue the due pending email/SMS deliveries of a business date again (idempotent)."""
    from .services import EXTERNAL_CHANNELS, enqueue_deliveries

    due = list(
        Delivery.objects.filter(
            business_date=as_of,
            channel__in=EXTERNAL_CHANNELS,
            status=DeliveryStatus.PENDING,
            next_attempt_at__lte=timezone.now(),
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    enqueue_deliveries(due)
    return len(due)
