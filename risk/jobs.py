"""The nightly risk job: rescore the portfolio, refresh the watch list, run every rule."""

from datetime import date

from crm.jobs import JobResult, daily_job

from . import services
from .choices import RuleCode

# These rules read flags the interactions jobs set (SLA breaches at order 40, contact cadence at
# 50), so they run in a job of their own after them.
SERVICE_RULES = (RuleCode.CONTACT_OVERDUE, RuleCode.COMPLAINT_SLA_BREACH)


@daily_job(
    "risk.nightly",
    order=30,
    description="Risk scoring, watch list and early-warning rules over the whole portfolio.",
)
def risk_nightly(*, as_of: date) -> JobResult:
    """Score every customer, watch-list high-risk ones, then run every enabled rule."""
    score_counts = services.scores_compute(as_of=as_of)
    watch_listed = services.watchlist_sync_high_risk(as_of=as_of)
    rule_counts = services.rules_run(as_of=as_of, exclude=SERVICE_RULES)
    counts = {
        "scored": score_counts["scored"],
        "scores_written": score_counts["score_written"],
        "customers_updated": score_counts["customers_updated"],
        "watch_listed": watch_listed,
        "alerts_raised": rule_counts["raised"],
        "alerts_kept_open": rule_counts["kept_open"],
        "severity_raised": rule_counts["severity_raised"],
    }
    return JobResult(
        summary=(
            f"{counts['scored']} customers scored ({counts['scores_written']} changed), "
            f"{watch_listed} added to the watch list, {counts['alerts_raised']} alerts raised, "
            f"{counts['alerts_kept_open']} still open"
        ),
        counts=counts,
    )


@daily_job(
    "risk.service_rules",
    order=55,
    description="Contact-overdue and complaint-SLA alerts, after the interactions jobs.",
)
def risk_service_rules(*, as_of: date) -> JobResult:
    """Run the rules fed by the interactions app once its SLA and cadence checks are done."""
    counts = services.rules_run(as_of=as_of, codes=SERVICE_RULES)
    return JobResult(
        summary=f"{counts['raised']} alerts raised, {counts['kept_open']} still open",
        counts={"alerts_raised": counts["raised"], "alerts_kept_open": counts["kept_open"]},
    )
