"""Worklist rows of the loans app: repayments overdue or due within 7 days, applications returned
for changes, and the approver's (or risk officer's) queue. Scores: crm/worklist.py."""

from datetime import timedelta

from django.db.models import Count, F, Min, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from crm.registry import worklist_source
from crm.roles import Role, has_role
from crm.worklist import (
    HORIZON_DAYS,
    TODAY,
    SourceRows,
    WorklistItem,
    band_for,
    format_money,
    urgency,
)

from .choices import ApplicationStatus, ApprovalKind, LoanStatus
from .models import Installment, LoanApplication
from .selectors import approver_queue

LIMIT = 20


def _rm_name(customer) -> str:
    return str(customer.relationship_manager) if customer.relationship_manager_id else ""


def _due_phrase(days: int) -> str:
    """ "Overdue 12 days" / "Due today" / "Due in 3 days"."""
    if days < 0:
        return ngettext("Overdue %(days)s day", "Overdue %(days)s days", -days) % {"days": -days}
    if days == 0:
        return _("Due today")
    return ngettext("Due in %(days)s day", "Due in %(days)s days", days) % {"days": days}


@worklist_source("loans.repayments", label=gettext_lazy("Repayments due or overdue"), order=10)
def repayments(scope):
    """One row per loan with installments overdue or due within 7 days.

    A loan a year in arrears is one problem with one call to make, not twelve rows: a row gives
    the oldest unpaid due date (which sets the days past due), the installments unpaid and the
    amount owed. Two queries whatever the number of rows.
    """
    if not has_role(scope.user, Role.RELATIONSHIP_MANAGER, Role.TEAM_LEAD):
        return None
    horizon = scope.today + timedelta(days=HORIZON_DAYS)
    owed = F("principal") + F("interest") - F("principal_paid") - F("interest_paid")
    # Grouped by loan with the customer's and the RM's names in the group: one query, joined
    # from the RM's customers to their active loans to the unpaid rows (partial index).
    rows = list(
        Installment.objects.visible_to(scope.user)
        .unpaid()
        .filter(
            loan__status=LoanStatus.ACTIVE,
            due_date__lte=horizon,
            **scope.customer_filter("loan__customer__relationship_manager"),
        )
        .values(
            "loan_id",
            "loan__customer__name",
            "loan__customer__relationship_manager__display_name",
            "loan__customer__relationship_manager__username",
        )
        .annotate(oldest_due=Min("due_date"), installments=Count("id"), amount_due=Sum(owed))
        .order_by("oldest_due", "loan_id")[: LIMIT + 1]
    )
    if not rows:
        return None
    items = []
    for row in rows[:LIMIT]:
        loan_id = row["loan_id"]
        days = (row["oldest_due"] - scope.today).days
        parts = [_due_phrase(days), format_money(row["amount_due"])]
        if row["installments"] > 1:
            parts.append(
                ngettext(
                    "%(count)s installment unpaid",
                    "%(count)s installments unpaid",
                    row["installments"],
                )
                % {"count": row["installments"]}
            )
        band = band_for(row["oldest_due"], scope.today)
        items.append(
            WorklistItem(
                key=f"repayment-{loan_id}",
                kind="repayment",
                kind_label=_("Repayment"),
                title=f"{row['loan__customer__name']} · L{loan_id}",
                reason=" · ".join(parts),
                url=reverse("loans:loan-detail", args=[loan_id]),
                band=band,
                score=urgency(band=band, weight="repayment", days=days),
                due=row["oldest_due"],
                owner_name=row["loan__customer__relationship_manager__display_name"]
                or row["loan__customer__relationship_manager__username"]
                or "",
            )
        )
    return SourceRows(items, more=len(rows) > LIMIT, more_url=reverse("loans:application-list"))


@worklist_source(
    "loans.returned", label=gettext_lazy("Applications returned for changes"), order=30
)
def returned(scope):
    """Applications sent back for changes, for the RM who prepares them (and their lead)."""
    if not has_role(scope.user, Role.RELATIONSHIP_MANAGER, Role.TEAM_LEAD):
        return None
    applications = list(
        LoanApplication.objects.visible_to(scope.user)
        .filter(status=ApplicationStatus.RETURNED, **scope.customer_filter())
        .select_related("customer__relationship_manager")
        .order_by("updated_at", "id")[: LIMIT + 1]
    )
    items = []
    for application in applications[:LIMIT]:
        waiting = max((scope.today - timezone.localdate(application.updated_at)).days, 0)
        since = (
            _("Returned for changes today")
            if waiting == 0
            else ngettext(
                "Returned for changes %(days)s day ago",
                "Returned for changes %(days)s days ago",
                waiting,
            )
            % {"days": waiting}
        )
        items.append(
            WorklistItem(
                key=f"returned-{application.pk}",
                kind="returned",
                kind_label=_("Application"),
                title=f"#{application.pk} {application.customer.name}",
                reason=f"{since} · {format_money(application.amount)}",
                url=reverse("loans:application-detail", args=[application.pk]),
                band=TODAY,
                score=urgency(band=TODAY, weight="returned", days_late=waiting),
                due=timezone.localdate(application.updated_at),
                owner_name=_rm_name(application.customer),
            )
        )
    return SourceRows(
        items,
        more=len(applications) > LIMIT,
        more_url=reverse("loans:application-list") + "?status=returned",
    )


@worklist_source(
    "loans.queue", label=gettext_lazy("Applications waiting for your decision"), order=5
)
def approval_queue(scope):
    """The approver's queue (four-eyes: never what they prepared or already approved this round),
    or the risk officer's sign-offs; the longest waiting first within the ranking."""
    if not has_role(scope.user, Role.CREDIT_APPROVER, Role.RISK_OFFICER):
        return None
    this_round = Q(approvals__round=F("round"), approvals__kind=ApprovalKind.APPROVAL)
    applications = list(
        approver_queue(user=scope.user)
        .select_related("customer")
        .annotate(approvals_given=Count("approvals", filter=this_round))[: LIMIT + 1]
    )
    items = []
    is_approver = has_role(scope.user, Role.CREDIT_APPROVER)
    for application in applications[:LIMIT]:
        submitted = timezone.localdate(application.submitted_at or application.created_at)
        waiting = max((scope.today - submitted).days, 0)
        if is_approver and application.approvals_given < application.approvals_required:
            step = _("approval %(level)s of %(required)s") % {
                "level": application.approvals_given + 1,
                "required": application.approvals_required,
            }
        else:
            step = _("risk sign-off")
        since = (
            _("Submitted today")
            if waiting == 0
            else ngettext("Waiting %(days)s day", "Waiting %(days)s days", waiting)
            % {"days": waiting}
        )
        items.append(
            WorklistItem(
                key=f"approval-{application.pk}",
                kind="approval",
                kind_label=_("Approval"),
                title=f"#{application.pk} {application.customer.name}",
                reason=" · ".join([since, format_money(application.amount), step]),
                url=reverse("loans:application-detail", args=[application.pk]),
                band=TODAY,
                score=urgency(band=TODAY, weight="approval", days_late=waiting),
                due=submitted,
            )
        )
    return SourceRows(
        items, more=len(applications) > LIMIT, more_url=reverse("loans:application-list")
    )
