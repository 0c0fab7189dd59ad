"""Daily jobs of the customers app."""

from django.db.models import Count

from crm.jobs import JobResult, daily_job

from .models import Customer, SegmentationPolicy
from .selectors import due_for_review_q


@daily_job(
    "customers.classification_review",
    order=36,
    description="List customers whose classification is older than the review interval.",
)
def classification_review(*, as_of):
    """Count the customers due for a classification review, per owner (read-only: idempotent).

    The list itself is live (the worklist section and /customers/reviews/), so a review done
    during the day disappears at once; the job records the day's figures in the job-run table.
    """
    policy = SegmentationPolicy.current()
    due = Customer.objects.filter(due_for_review_q(as_of=as_of, policy=policy))
    per_owner = dict(
        due.order_by()
        .values_list("relationship_manager__username")
        .annotate(n=Count("id"))
        .values_list("relationship_manager__username", "n")
    )
    total = sum(per_owner.values())
    return JobResult(
        summary=f"{total} customers due for classification review ({len(per_owner)} owners)",
        counts={"due": total, "owners": len(per_owner)},
    )


# Order 35: after risk.nightly (segments read the risk level and grade) and before the
# interactions jobs, whose contact interval depends on the tier this job sets; run later, a
# tier change would start a new cadence episode on a second run for the same date. Beat runs
# `customers.*` at 03:00, before the cadence check at 06:15, in the same order.
@daily_job(
    "customers.classification",
    order=35,
    description="Apply the classification rules: contribution, value tier, tier, segment, "
    "lifecycle.",
)
def classification(*, as_of):
    """Apply the current policy's rules; a second run for the same date changes nothing."""
    from .services import customers_classify

    counts = customers_classify(as_of=as_of)
    summary = ", ".join(f"{field} {n}" for field, n in counts.items())
    return JobResult(summary=f"classification changes: {summary}", counts=counts)
