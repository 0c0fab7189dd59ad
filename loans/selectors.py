"""Reads of the loans app; every query starts from `visible_to(user)`."""

from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum

from crm.roles import Role, has_role

from .choices import PENDING_DECISION, ApplicationAction, ApprovalKind, LoanStatus
from .models import (
    ApprovalRecord,
    Collateral,
    Guarantor,
    Installment,
    Loan,
    LoanApplication,
    LoanApplicationEvent,
    LoanProduct,
    Repayment,
)


def product_list() -> QuerySet[LoanProduct]:
    """Products on offer."""
    return LoanProduct.objects.filter(is_active=True)


def application_queryset(*, user) -> QuerySet[LoanApplication]:
    """Applications the user may see, with what every list row shows."""
    return LoanApplication.objects.visible_to(user).select_related(
        "customer", "customer__relationship_manager", "product", "created_by"
    )


def approver_queue(*, user, queryset: QuerySet[LoanApplication] | None = None):
    """Applications waiting for this user's decision, priority and key customers first.

    Approvers get those they did not prepare and have not approved in the current round; risk
    officers those needing a risk sign-off not yet given; everyone else nothing.
    """
    qs = application_queryset(user=user) if queryset is None else queryset
    qs = qs.filter(status__in=PENDING_DECISION)
    made_by_user = Q(created_by=user) | Exists(
        LoanApplicationEvent.objects.filter(
            application=OuterRef("pk"), action=ApplicationAction.SUBMIT, actor=user
        )
    )
    this_round = ApprovalRecord.objects.filter(application=OuterRef("pk"), round=OuterRef("round"))
    wanted = Q(pk__in=[])
    if has_role(user, Role.CREDIT_APPROVER):
        wanted |= ~Exists(this_round.filter(kind=ApprovalKind.APPROVAL, approver=user)) & ~Exists(
            this_round.filter(kind=ApprovalKind.APPROVAL, level__gte=OuterRef("approvals_required"))
        )
    if has_role(user, Role.RISK_OFFICER):
        wanted |= Q(risk_sign_off_required=True) & ~Exists(
            this_round.filter(kind=ApprovalKind.RISK_SIGN_OFF)
        )
    return (
        qs.filter(wanted)
        .exclude(made_by_user)
        .order_by("-priority", "customer__tier", "submitted_at", "id")
    )


def application_detail(*, user, pk: int) -> LoanApplication:
    """One visible application with its collateral, guarantors, events and approvals (404 else)."""
    from django.shortcuts import get_object_or_404

    qs = application_queryset(user=user).prefetch_related(
        Prefetch("collateral", queryset=Collateral.objects.order_by("id")),
        Prefetch("guarantors", queryset=Guarantor.objects.select_related("customer")),
        Prefetch("events", queryset=LoanApplicationEvent.objects.select_related("actor")),
        Prefetch("approvals", queryset=ApprovalRecord.objects.select_related("approver")),
    )
    return get_object_or_404(qs, pk=pk)


def loan_queryset(*, user) -> QuerySet[Loan]:
    """Loans the user may see, with what every list row shows."""
    return Loan.objects.visible_to(user).select_related(
        "customer", "customer__relationship_manager", "product", "application"
    )


def loan_schedule(*, loan: Loan) -> QuerySet[Installment]:
    """The loan's installments in order."""
    return Installment.objects.filter(loan=loan).order_by("number")


def loan_repayments(*, loan: Loan) -> QuerySet[Repayment]:
    """The loan's repayments, newest first, reversed ones included."""
    return Repayment.objects.filter(loan=loan).select_related("posted_by", "reversed_by")


def exposure_by_customer(customer_ids: Iterable[int]) -> dict[int, Decimal]:
    """Outstanding principal of active loans per customer (customers without loans are absent)."""
    rows = (
        Loan.objects.filter(customer_id__in=list(customer_ids), status=LoanStatus.ACTIVE)
        .values("customer_id")
        .annotate(total=Sum("outstanding_principal"))
        .order_by()
    )
    return {row["customer_id"]: row["total"] for row in rows}
