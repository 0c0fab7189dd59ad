"""Reads of the risk app; every one starts from `visible_to(user)`."""

from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.shortcuts import get_object_or_404

from customers.models import Customer

from .choices import SEVERITY_RANK
from .filters import AlertFilter
from .models import Alert, AlertComment, AlertEvent, RiskScore, WatchListEntry

SEVERITY_ORDER = Case(
    *[When(severity=s, then=Value(rank)) for s, rank in SEVERITY_RANK.items()],
    output_field=IntegerField(),
)


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
