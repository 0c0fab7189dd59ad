"""Reads of the customers app; every query starts from `visible_to(user)`."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q
from django.shortcuts import get_object_or_404

from .choices import CreditGrade, LifecycleStage, RiskLevel
from .filters import CustomerFilter
from .models import (
    Customer,
    CustomerChange,
    CustomerRelation,
    FinancialStatement,
    SegmentationPolicy,
)

LIST_RELATED = ("industry", "relationship_manager")


def customer_list(*, user, filters=None):
    """The caller's customers, filtered and sorted by the shared FilterSet."""
    queryset = Customer.objects.visible_to(user).select_related(*LIST_RELATED)
    filterset = CustomerFilter(filters or {}, queryset=queryset)
    if not filterset.is_valid():
        return filterset, queryset.none()
    return filterset, filterset.qs


def customer_get(*, user, pk) -> Customer:
    """One customer in the caller's scope, or 404."""
    return get_object_or_404(
        Customer.objects.visible_to(user).select_related(
            *LIST_RELATED, "group", "collected_by", "created_by", "industry__parent"
        ),
        pk=pk,
    )


def customer_statements(*, customer) -> list[FinancialStatement]:
    """The customer's statements, oldest first (the order of the trend chart)."""
    return list(FinancialStatement.objects.filter(customer=customer).order_by("period_end"))


def ratio_chart_data(statements) -> dict:
    """Labels and series of the key ratios for Chart.js; null where a ratio is undefined."""

    def series(name):
        return [None if getattr(s, name) is None else float(getattr(s, name)) for s in statements]

    return {
        "labels": [s.period_end.isoformat() for s in statements],
        "series": {
            name: series(name)
            for name in ("debt_to_asset", "current_ratio", "quick_ratio", "revenue_growth")
        },
    }


def customer_relations(*, customer, user):
    """Links from and to the customer; the other side's name only when the caller may see it."""
    visible_ids = set(
        Customer.objects.visible_to(user)
        .filter(Q(relations__related=customer) | Q(relations_in__customer=customer))
        .values_list("pk", flat=True)
    )
    rows = []
    outgoing = CustomerRelation.objects.filter(customer=customer).select_related("related")
    incoming = CustomerRelation.objects.filter(related=customer).select_related("customer")
    for relation in outgoing:
        rows.append((relation, relation.related, "out", relation.related_id in visible_ids))
    for relation in incoming:
        rows.append((relation, relation.customer, "in", relation.customer_id in visible_ids))
    return rows


def group_members(*, group, user):
    """The group's members the caller may see, and how many more are outside their scope."""
    if group is None:
        return [], 0
    all_count = group.members.count()
    visible = list(
        Customer.objects.visible_to(user).filter(group=group).select_related("relationship_manager")
    )
    return visible, all_count - len(visible)


def group_exposure(customer_ids) -> Decimal:
    """The outstanding principal of the active loans of these customers (a group's exposure)."""
    from loans.selectors import exposure_by_customer

    return sum(exposure_by_customer(customer_ids).values(), Decimal("0.00"))


def classification_changes(*, customer):
    """The customer's recorded changes, newest first."""
    return CustomerChange.objects.filter(customer=customer).select_related("changed_by")


def due_for_review_q(*, as_of: date, policy=None) -> Q:
    """Customers whose classification is older than their review interval (DOMAIN.md §10)."""
    policy = policy or SegmentationPolicy.current()
    normal_limit = as_of - timedelta(days=policy.review_interval_days)
    watch_limit = as_of - timedelta(days=policy.watch_review_interval_days)
    watch = Q(credit_grade=CreditGrade.WATCH) | Q(risk_level=RiskLevel.HIGH)
    return ~Q(lifecycle_stage=LifecycleStage.CHURNED) & (
        Q(classified_on__isnull=True)
        | Q(classified_on__lte=normal_limit)
        | (watch & Q(classified_on__lte=watch_limit))
    )


def customers_due_for_review(*, user, as_of: date, policy=None):
    """The caller's customers whose classification review is due, oldest review first."""
    return (
        Customer.objects.visible_to(user)
        .filter(due_for_review_q(as_of=as_of, policy=policy))
        .select_related(*LIST_RELATED)
        .order_by("classified_on", "name", "id")
    )


def needs_due_for_review(*, user, as_of: date, policy=None):
    """Open needs of the caller's customers not re-assessed within the needs interval."""
    from .choices import NeedStatus
    from .models import Need

    policy = policy or SegmentationPolicy.current()
    limit = as_of - timedelta(days=policy.needs_review_days)
    return (
        Need.objects.visible_to(user)
        .filter(status__in=[NeedStatus.IDENTIFIED, NeedStatus.PLANNED])
        .filter(Q(last_reviewed_on__isnull=True) | Q(last_reviewed_on__lte=limit))
        .select_related("customer")
        .order_by("last_reviewed_on", "id")
    )
