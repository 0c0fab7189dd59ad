"""One FilterSet per model, shared by the list pages and the API."""

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import (
    Channel,
    Level,
    Purpose,
    RequestKind,
    RequestStatus,
    TaskKind,
    TaskStatus,
    VisitStatus,
)
from .models import (
    ImprovementAction,
    Interaction,
    ServiceRequest,
    SurveyResponse,
    Task,
    VisitPlan,
)


class InteractionFilter(django_filters.FilterSet):
    """Interactions by customer, channel, purpose, period and text."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    purpose = django_filters.ChoiceFilter(choices=Purpose.choices, label=_("Purpose"))
    date_from = django_filters.DateFilter(
        field_name="occurred_at", lookup_expr="date__gte", label=_("From")
    )
    date_to = django_filters.DateFilter(
        field_name="occurred_at", lookup_expr="date__lte", label=_("To")
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("occurred_at", "occurred_at"),
            ("customer__name", "customer"),
            ("channel", "channel"),
            ("purpose", "purpose"),
        ),
        label=_("Sort"),
    )

    class Meta:
        model = Interaction
        fields = ["customer", "channel", "purpose", "loan_stage"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(
            Q(summary__icontains=value)
            | Q(customer__name__icontains=value)
            | Q(findings__icontains=value)
            | Q(next_action__icontains=value)
        )


class TaskFilter(django_filters.FilterSet):
    """Tasks by status, kind, customer and due date; `overdue=true` for what is late."""

    status = django_filters.ChoiceFilter(choices=TaskStatus.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=TaskKind.choices, label=_("Kind"))
    due_before = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label=_("Due by")
    )
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    scope = django_filters.ChoiceFilter(
        choices=(("mine", _("Mine")), ("team", _("My team's"))),
        method="filter_scope",
        label=_("Whose"),
        empty_label=None,
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("due_date", "due_date"),
            ("created_at", "created_at"),
            ("status", "status"),
            ("customer__name", "customer"),
            ("owner__username", "owner"),
        ),
        label=_("Sort"),
    )

    class Meta:
        model = Task
        fields = ["status", "kind", "customer", "owner"]

    def filter_overdue(self, queryset, name, value):
        late = Q(status=TaskStatus.OPEN, due_date__lt=timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_scope(self, queryset, name, value):
        # Narrowing happens in the list views (default "mine"); this only declares the
        # parameter so pages and the schema show it.
        return queryset


class ServiceRequestFilter(django_filters.FilterSet):
    """The service-request queue: by status, kind, urgency, owner, breach and text."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=RequestStatus.choices, label=_("Status"))
    kind = django_filters.ChoiceFilter(choices=RequestKind.choices, label=_("Kind"))
    urgency = django_filters.ChoiceFilter(choices=Level.choices, label=_("Urgency"))
    is_open = django_filters.BooleanFilter(method="filter_open", label=_("Open"))
    sla_breached = django_filters.BooleanFilter(label=_("SLA breached"))
    ordering = django_filters.OrderingFilter(
        fields=(
            ("reply_due_at", "reply_due_at"),
            ("received_at", "received_at"),
            ("urgency", "urgency"),
            ("id", "id"),
            ("customer__name", "customer"),
            ("kind", "kind"),
            ("status", "status"),
            ("owner__username", "owner"),
        ),
        label=_("Sort"),
    )

    class Meta:
        model = ServiceRequest
        fields = ["customer", "kind", "status", "urgency", "importance", "owner", "sla_breached"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(Q(summary__icontains=value) | Q(customer__name__icontains=value))

    def filter_open(self, queryset, name, value):
        closed = Q(status=RequestStatus.CLOSED)
        return queryset.exclude(closed) if value else queryset.filter(closed)


class SurveyResponseFilter(django_filters.FilterSet):
    """Survey responses by customer, relationship manager, period and validity."""

    relationship_manager = django_filters.NumberFilter(
        field_name="customer__relationship_manager", label=_("Relationship manager")
    )
    date_from = django_filters.DateFilter(
        field_name="responded_on", lookup_expr="gte", label=_("From")
    )
    date_to = django_filters.DateFilter(field_name="responded_on", lookup_expr="lte", label=_("To"))

    class Meta:
        model = SurveyResponse
        fields = ["customer", "is_valid", "channel"]


class VisitPlanFilter(django_filters.FilterSet):
    """Visit plans by customer, status and date."""

    status = django_filters.ChoiceFilter(choices=VisitStatus.choices, label=_("Status"))
    date_from = django_filters.DateFilter(
        field_name="planned_for", lookup_expr="gte", label=_("From")
    )
    date_to = django_filters.DateFilter(field_name="planned_for", lookup_expr="lte", label=_("To"))

    class Meta:
        model = VisitPlan
        fields = ["customer", "status"]


class ImprovementActionFilter(django_filters.FilterSet):
    """Improvement actions by status, owner and dimension."""

    class Meta:
        model = ImprovementAction
        fields = ["status", "owner", "dimension"]
