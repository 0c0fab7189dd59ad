"""Thin Celery tasks: ids and ISO dates in, a service call, nothing else.

Every task runs with late acknowledgement and is re-delivered when its worker dies, so each
one can run twice with the same result (batches and deliveries are done once by their rows).
"""

import fnmatch
import logging
from datetime import date

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from crm import jobs

from . import batches, services

logger = logging.getLogger(__name__)

RESILIENT = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
}


# No results: the outcome is the delivery row, and storing a result makes every publish also
# subscribe to the result channel (one more Redis round trip per message).
@shared_task(name="notifications.send_delivery", ignore_result=True, **RESILIENT)
def send_delivery_task(delivery_id: int) -> str:
    """Send one pending email/SMS delivery (kept for messages queued by earlier releases)."""
    delivery = services.delivery_send(delivery_id=delivery_id)
    return "skipped" if delivery is None else delivery.status


@shared_task(name="notifications.send_deliveries", ignore_result=True, **RESILIENT)
def send_deliveries_task(delivery_ids: list[int]) -> None:
    """Send pending deliveries one by one; each is claimed on its own, so a rerun skips the sent."""
    for delivery_id in delivery_ids:
        services.delivery_send(delivery_id=delivery_id)


@shared_task(name="notifications.run_batch", ignore_result=True, **RESILIENT)
def run_batch_task(batch_id: int) -> dict:
    """Do one batch of a daily job (a no-op when it is already done)."""
    batch = batches.batch_run(batch_id=batch_id)
    return {} if batch is None else batch.counts


@shared_task(name="notifications.deliver_pending", **RESILIENT)
def deliver_pending_task() -> dict:
    """Queue due deliveries and stuck batches; fail deliveries a dead worker left sending."""
    counts = services.deliveries_sweep()
    counts["batches_requeued"] = batches.batches_sweep()
    return counts


@shared_task(name="notifications.run_scheduled_jobs", **RESILIENT)
def run_scheduled_jobs_task(selectors: list[str], as_of: str | None = None) -> list[str]:
    """Run the daily jobs named by `selectors` ("loans.dpd_classification" or "risk.*")."""
    business_date = date.fromisoformat(as_of) if as_of else timezone.localdate()
    selected = [
        job
        for job in jobs.registered_jobs()
        if any(fnmatch.fnmatchcase(job.name, selector) for selector in selectors)
    ]
    if not selected:
        logger.warning("beat entry %s matches no installed daily job", selectors)
    return [jobs.run_job(job, as_of=business_date, triggered_by="beat").summary for job in selected]
