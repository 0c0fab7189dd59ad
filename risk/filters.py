"""One FilterSet per model, shared by the alert queue page and the API."""

from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import AlertStatus, ManualCategory, RuleCode, Severity
from .models import Alert, RiskScore, WatchListEntry

AGE_CHOICES = (
    ("today", _("Raised today")),
    ("1-7", _("1–7 days")),
    ("8-30", _("8–30 days")),
    ("30+", _("Over 30 days")),
)
SLA_CHOICES = (
    ("overdue", _("Acknowledgement overdue")),
    ("due_soon", _("Due within 4 hours")),
)
ORDERING = (
    ("raised_on", "raised_on"),
    ("due_at", "due_at"),
    ("severity_rank", "severity"),
    ("customer__name", "customer"),
    ("status", "status"),
    ("rule", "rule"),
)


class AlertFilter(django_filters.FilterSet):
    """Filters of API.md (`status`, `severity`, `rule`, `customer`) and the queue's extras."""

    status = django_filters.MultipleChoiceFilter(choices=AlertStatus.choices)
    severity = django_filters.MultipleChoiceFilter(choices=Severity.choices)
    rule = django_filters.MultipleChoiceFilter(choices=RuleCode.choices)
    category = django_filters.ChoiceFilter(choices=ManualCategory.choices)
    customer = django_filters.NumberFilter(field_name="customer_id")
    branch = django_filters.CharFilter(field_name="customer__branch", lookup_expr="iexact")
    assignee = django_filters.NumberFilter(field_name="assignee_id")
    active = django_filters.BooleanFilter(method="filter_active", label=_("Being worked"))
    age = django_filters.ChoiceFilter(choices=AGE_CHOICES, method="filter_age", label=_("Age"))
    sla = django_filters.ChoiceFilter(choices=SLA_CHOICES, method="filter_sla", label=_("SLA"))
    q = django_filters.CharFilter(method="filter_q", label=_("Customer name or USCC"))
    ordering = django_filters.OrderingFilter(fields=ORDERING)

    class Meta:
        model = Alert
        fields = ["status", "severity", "rule", "customer"]

    def filter_active(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.active() if value else queryset.exclude(pk__in=queryset.active())

    def filter_age(self, queryset, name, value):
        today = timezone.localdate()
        if value == "today":
            return queryset.filter(raised_on=today)
        if value == "1-7":
            return queryset.filter(
                raised_on__lte=today - timedelta(days=1), raised_on__gte=today - timedelta(days=7)
            )
        if value == "8-30":
            return queryset.filter(
                raised_on__lte=today - timedelta(days=8), raised_on__gte=today - timedelta(days=30)
            )
        if value == "30+":
            return queryset.filter(raised_on__lt=today - timedelta(days=30))
        return queryset

    def filter_sla(self, queryset, name, value):
        now = timezone.now()
        waiting = queryset.filter(status=AlertStatus.OPEN)
        if value == "overdue":
            return waiting.filter(due_at__lt=now)
        if value == "due_soon":
            return waiting.filter(due_at__gte=now, due_at__lt=now + timedelta(hours=4))
        return queryset

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(customer__name__icontains=value) | Q(customer__uscc__icontains=value)
        )


class RiskScoreFilter(django_filters.FilterSet):
    as_of_from = django_filters.DateFilter(field_name="as_of", lookup_expr="gte")
    as_of_to = django_filters.DateFilter(field_name="as_of", lookup_expr="lte")

    class Meta:
        model = RiskScore
        fields = ["as_of_from", "as_of_to"]


class WatchListFilter(django_filters.FilterSet):
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Review overdue"))
    q = django_filters.CharFilter(field_name="customer__name", lookup_expr="icontains")

    class Meta:
        model = WatchListEntry
        fields = ["overdue", "q"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        today = timezone.localdate()
        return (
            queryset.filter(next_review_on__lt=today)
            if value
            else queryset.filter(next_review_on__gte=today)
        )
