"""Daily jobs of the loans app."""

from datetime import date

from django.db import transaction

from crm.jobs import JobResult, daily_job

from .batch import refresh_loans


@daily_job(
    "loans.dpd_classification",
    order=10,
    description="Installment statuses, days past due and the five-tier classification floor.",
)
def dpd_classification(*, as_of: date) -> JobResult:
    """Update every active loan's installment statuses, DPD and class as of the business date."""
    with transaction.atomic():
        counts = refresh_loans(as_of=as_of)
    return JobResult(
        summary=(
            f"{counts['loans']} active loans as of {as_of.isoformat()}: "
            f"{counts['loans_updated']} updated, {counts['reclassified']} reclassified, "
            f"{counts['installments_updated']} installment statuses changed"
        ),
        counts=counts,
    )
