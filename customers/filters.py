"""One FilterSet per model, shared by the customer list page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import User

from .choices import LifecycleStage, RiskLevel, Segment, Tier, ValueTier
from .models import Customer, Industry


class CustomerFilter(django_filters.FilterSet):
    """Filters of API.md (q, relationship_manager, tier, industry, risk_level, lifecycle_stage)."""

    q = django_filters.CharFilter(method="filter_q", label=_("Name or USCC"))
    relationship_manager = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(groups__name__in=["relationship_manager", "team_lead"])
        .distinct()
        .order_by("username"),
        label=_("Relationship manager"),
    )
    tier = django_filters.ChoiceFilter(choices=Tier.choices, label=_("Tier"))
    segment = django_filters.ChoiceFilter(choices=Segment.choices, label=_("Segment"))
    value_tier = django_filters.ChoiceFilter(choices=ValueTier.choices, label=_("Value tier"))
    industry = django_filters.ModelChoiceFilter(
        queryset=Industry.objects.all(), method="filter_industry", label=_("Industry")
    )
    risk_level = django_filters.ChoiceFilter(choices=RiskLevel.choices, label=_("Risk level"))
    lifecycle_stage = django_filters.ChoiceFilter(
        choices=LifecycleStage.choices, label=_("Lifecycle stage")
    )
    group = django_filters.NumberFilter(field_name="group_id", label=_("Group"))
    sort = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("uscc", "uscc"),
            ("tier", "tier"),
            ("risk_level", "risk_level"),
            ("risk_score", "risk_score"),
            ("lifecycle_stage", "lifecycle_stage"),
            ("created_at", "created_at"),
            ("relationship_manager__username", "relationship_manager"),
        ),
        label=_("Sort"),
    )

    class Meta:
        model = Customer
        fields = ["q", "relationship_manager", "tier", "industry", "risk_level", "lifecycle_stage"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(uscc__icontains=value))

    def filter_industry(self, queryset, name, value):
        # A section letter also matches the finer codes filed under it.
        return queryset.filter(Q(industry=value) | Q(industry__parent=value))
