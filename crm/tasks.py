"""Thin Celery tasks for the shared base: they take ISO dates and call the job registry."""

from datetime import date

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import jobs


@shared_task(name="crm.ping")
def ping_task(value: str = "pong") -> str:
    """Echo a value: proves a worker is consuming from the broker."""
    return value


@shared_task(
    name="crm.run_daily_jobs",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def run_daily_jobs_task(as_of: str | None = None) -> list[str]:
    """Run every daily job for `as_of` (ISO date; default: today in the bank's time zone)."""
    business_date = date.fromisoformat(as_of) if as_of else timezone.localdate()
    return [run.summary for run in jobs.run_all(as_of=business_date, triggered_by="beat")]


@shared_task(
    name="crm.run_daily_job",
    acks_late=True,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def run_daily_job_task(name: str, as_of: str | None = None) -> str:
    """Run one named daily job for `as_of` (ISO date; default: today)."""
    business_date = date.fromisoformat(as_of) if as_of else timezone.localdate()
    return jobs.run_job(jobs.get_job(name), as_of=business_date, triggered_by="beat").summary
