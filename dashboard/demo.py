"""Demo history for the dashboards (`seed_demo`): what a fresh demo has not lived through yet.

A new demo bank has one night of scores and alerts raised minutes ago, so grade migration and
time to acknowledge would be empty. For the small portfolio this adds, once:
- each scored customer's score from 90 days before, a grade better or worse for a few of them;
- the RMs' work on about half the rule alerts: acknowledged after a few hours, some resolved;
- replies to every other service request still within its clocks, half of them closed;
- approval decisions taken hours after submission (the demo decides them the moment it
  submits them, which would read as a cycle time of zero).
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from interactions import services as interaction_services
from interactions.choices import RequestStatus, Satisfaction
from interactions.models import ServiceRequest
from loans.models import ApprovalRecord, LoanApplication
from risk import services as risk_services
from risk.choices import AlertResponse, AlertStatus
from risk.models import Alert, RiskScore

HISTORY_DAYS = 90
GRADE_SCORE = {"excellent": (85, "low"), "good": (68, "medium"), "watch": (45, "high")}
GRADE_ORDER = ("excellent", "good", "watch")


def seed(*, scale: str, stdout) -> None:
    """Add score history and alert handling to the small demo portfolio (idempotent)."""
    if scale != "small":
        return
    with transaction.atomic():
        scores = _seed_score_history()
        handled = _seed_alert_handling()
        answered = _seed_request_replies()
        timed = _seed_approval_times()
    stdout.write(
        f"dashboard: {scores} earlier scores, {handled} alerts worked, "
        f"{answered} service requests answered, {timed} approval times spread"
    )


def _seed_score_history() -> int:
    latest = RiskScore.objects.order_by("-as_of").values_list("as_of", flat=True).first()
    if latest is None:
        return 0
    earlier = latest - timedelta(days=HISTORY_DAYS)
    if RiskScore.objects.filter(as_of=earlier).exists():
        return 0
    created = []
    for score in RiskScore.objects.filter(as_of=latest).order_by("customer_id"):
        rank = GRADE_ORDER.index(score.grade) if score.grade in GRADE_ORDER else 1
        # Every fifth customer was a grade better 90 days ago, every seventh a grade worse.
        if score.customer_id % 5 == 0:
            rank = max(rank - 1, 0)
        elif score.customer_id % 7 == 0:
            rank = min(rank + 1, len(GRADE_ORDER) - 1)
        grade = GRADE_ORDER[rank]
        points, level = GRADE_SCORE[grade]
        created.append(
            RiskScore(
                customer_id=score.customer_id,
                as_of=earlier,
                scorecard_id=score.scorecard_id,
                model_version=score.model_version,
                score=points,
                grade=grade,
                risk_level=level,
                factors=[],
            )
        )
    RiskScore.objects.bulk_create(created, ignore_conflicts=True)
    return len(created)


def _seed_alert_handling() -> int:
    if Alert.objects.filter(acknowledged_at__isnull=False).exists():
        return 0
    alerts = (
        Alert.objects.filter(status=AlertStatus.OPEN, raised_by__isnull=True)
        .select_related("customer__relationship_manager")
        .order_by("pk")
    )
    responses = [AlertResponse.ADJUST_TERMS, AlertResponse.LIQUIDITY_SUPPORT, AlertResponse.OTHER]
    handled = 0
    for index, alert in enumerate(alerts):
        if index % 2:
            continue
        owner = alert.customer.relationship_manager
        alert = risk_services.alert_acknowledge(alert=alert, user=owner, note="Called the CFO.")
        # The RM took a few hours to acknowledge (demo history: raised earlier that day).
        Alert.objects.filter(pk=alert.pk).update(
            raised_at=alert.acknowledged_at - timedelta(hours=2 + (index * 5) % 30)
        )
        if index % 4 == 0:
            risk_services.alert_resolve(
                alert=alert,
                user=owner,
                response=responses[(index // 4) % len(responses)],
                note="Agreed a revised repayment plan with the customer.",
            )
        handled += 1
    return handled


__all__ = ["seed"]


def _seed_request_replies() -> int:
    if ServiceRequest.objects.filter(replied_at__isnull=False).exists():
        return 0
    open_requests = (
        ServiceRequest.objects.filter(status=RequestStatus.RECEIVED, sla_breached=False)
        .select_related("customer__relationship_manager")
        .order_by("pk")
    )
    answered = 0
    for index, request in enumerate(open_requests):
        if index % 2:
            continue
        owner = request.customer.relationship_manager
        request = interaction_services.service_request_advance(
            request=request,
            user=owner,
            to_status=RequestStatus.REPLIED,
            note="Called the customer back with the answer.",
            action_plan="Explain the cause and send the corrected document.",
            due_date=timezone.localdate(),
        )
        if index % 4 == 0:
            interaction_services.service_request_advance(
                request=request,
                user=owner,
                to_status=RequestStatus.CLOSED,
                resolution="Corrected statement sent; customer confirmed receipt.",
                customer_satisfaction=Satisfaction.SATISFIED,
                effect_evaluation="No repeat in the following month.",
            )
        answered += 1
    return answered


def _seed_approval_times() -> int:
    """Move the submission of instantly decided applications back by 4 to 63 hours."""
    instant = LoanApplication.objects.filter(
        submitted_at__isnull=False,
        decided_at__isnull=False,
        decided_at__lt=F("submitted_at") + timedelta(minutes=1),
    ).order_by("pk")
    moved = 0
    for application in instant:
        hours = 4 + (application.pk * 7) % 60
        submitted_at = application.submitted_at - timedelta(hours=hours)
        LoanApplication.objects.filter(pk=application.pk).update(submitted_at=submitted_at)
        if (application.approvals_required or 1) > 1:
            # With several levels, the first decided after 60 % of the wait.
            ApprovalRecord.objects.filter(
                application=application, round=application.round, level=1
            ).update(at=submitted_at + timedelta(hours=hours * 0.6))
        moved += 1
    return moved
