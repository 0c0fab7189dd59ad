"""Reads of the risk app; every one starts from `visible_to(user)`."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from customers.models import Customer

from .choices import severity_order
from .filters import AlertFilter
from .models import Alert, AlertComment, AlertEvent, RiskScore, WatchListEntry

SEVERITY_ORDER = severity_order()


def alert_queryset(*, user):
    """Alerts the user may see, with what a list shows, worst and oldest due first."""
    return (
        Alert.objects.visible_to(user)
        .select_related("customer", "customer__relationship_manager", "assignee", "event")
        .annotate(severity_rank=SEVERITY_ORDER)
        .order_by("-severity_rank", "due_at", "-id")
    )


def alert_list(*, user, filters=None, request=None) -> AlertFilter:
    """The alert queue filtered by the shared FilterSet (`.qs` is the result)."""
    return AlertFilter(filters, queryset=alert_queryset(user=user), request=request)


def alert_get(*, user, pk: int) -> Alert:
    """One alert in the user's scope with its events and comments, or 404."""
    return get_object_or_404(
        alert_queryset(user=user).prefetch_related(
            Prefetch("events", AlertEvent.objects.select_related("actor")),
            Prefetch("comments", AlertComment.objects.select_related("author")),
        ),
        pk=pk,
    )


def customer_for_risk(*, user, pk: int) -> Customer:
    return get_object_or_404(Customer.objects.visible_to(user), pk=pk)


def risk_scores(*, user, customer_id: int):
    """A visible customer's scores, newest first (404 for a customer out of scope)."""
    customer = customer_for_risk(user=user, pk=customer_id)
    return RiskScore.objects.filter(customer=customer).order_by("-as_of", "-id")


def watch_list(*, user):
    return (
        WatchListEntry.objects.visible_to(user)
        .current()
        .select_related("customer", "customer__relationship_manager", "added_by")
    )


def loan_of_customer(*, customer, pk: int):
    """One of the customer's loans, or None."""
    from loans.models import Loan

    return Loan.objects.filter(customer=customer, pk=pk).first()


def post_loan_checks_due(*, user, as_of):
    """Active loans the user may see with their next post-loan check date, earliest first."""
    from datetime import timedelta

    from django.db.models import DateField, ExpressionWrapper, F, OuterRef, Subquery
    from django.db.models.functions import Cast, Coalesce

    from loans.models import Loan

    from .models import PostLoanCheck
    from .rules import parse_params

    params = parse_params("post_loan_check_overdue", None)
    latest = PostLoanCheck.objects.filter(loan=OuterRef("pk")).order_by("-checked_on", "-id")
    # date + interval is a timestamp in PostgreSQL: cast back to a date.
    first_due = Cast(
        ExpressionWrapper(
            F("disbursed_on") + timedelta(days=params["first_check_days"]),
            output_field=DateField(),
        ),
        DateField(),
    )
    return (
        Loan.objects.visible_to(user)
        .active()
        .select_related("customer", "customer__relationship_manager")
        .annotate(
            last_checked_on=Subquery(latest.values("checked_on")[:1]),
            next_check_on=Coalesce(
                Subquery(latest.values("next_check_on")[:1]), first_due, output_field=DateField()
            ),
        )
        .order_by("next_check_on", "pk")
    )


def post_loan_checks(*, user):
    from .models import PostLoanCheck

    return PostLoanCheck.objects.visible_to(user).select_related(
        "loan", "loan__customer", "checked_by"
    )
