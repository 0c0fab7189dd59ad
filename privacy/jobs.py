"""Daily jobs of the data-protection app."""

from crm.jobs import JobResult, daily_job


@daily_job(
    "privacy.retention_flags",
    order=95,
    description="Flag customers whose relationship ended more than the retention period ago.",
)
def retention_flags(*, as_of):
    """Flag (never anonymise) customers past retention; a second run changes nothing."""
    from .services import retention_flag_customers

    counts = retention_flag_customers(as_of=as_of)
    return JobResult(
        summary=(
            f"{counts['flagged']} customers newly past retention, {counts['reflagged']} "
            f"flagged again, {counts['cleared']} no longer due"
        ),
        counts=counts,
    )
