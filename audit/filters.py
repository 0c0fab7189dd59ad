"""The compliance search of the data-access log: one FilterSet for the page and its CSV."""

import ipaddress

import django_filters
from django import forms
from django.apps import apps
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import AccessLog

TEXT = {"class": "form-control form-control-sm"}
SELECT = {"class": "form-select form-select-sm"}
DATE = {"class": "form-control form-control-sm", "type": "date"}
# A customer search matching more customers than this is too broad to be useful.
MAX_MATCHED_CUSTOMERS = 500


class AccessLogFilter(django_filters.FilterSet):
    """Who read what: user, customer, action, category, date range and IP address."""

    user = django_filters.CharFilter(
        method="filter_user", label=_("User"), widget=forms.TextInput(attrs=TEXT)
    )
    customer = django_filters.CharFilter(
        method="filter_customer",
        label=_("Customer (name or USCC)"),
        widget=forms.TextInput(attrs=TEXT),
    )
    action = django_filters.ChoiceFilter(
        choices=AccessLog.Action.choices, label=_("Action"), widget=forms.Select(attrs=SELECT)
    )
    category = django_filters.ChoiceFilter(
        choices=AccessLog.Category.choices,
        label=_("Information category"),
        widget=forms.Select(attrs=SELECT),
    )
    date_from = django_filters.DateFilter(
        field_name="at", lookup_expr="date__gte", label=_("From"), widget=forms.DateInput(DATE)
    )
    date_to = django_filters.DateFilter(
        field_name="at", lookup_expr="date__lte", label=_("To"), widget=forms.DateInput(DATE)
    )
    ip = django_filters.CharFilter(
        method="filter_ip",
        label=_("IP address"),
        widget=forms.TextInput(attrs=TEXT),
    )

    class Meta:
        model = AccessLog
        fields = []

    def filter_user(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(
            Q(user__username__iexact=value)
            | Q(user__display_name__icontains=value)
            | Q(detail__icontains=f"username: {value}")
        )

    def filter_customer(self, queryset, name, value):
        """Entries about the customer, alone or among the customers of a list read."""
        value = value.strip()
        customer_model = apps.get_model("customers", "Customer")
        ids = list(
            customer_model.objects.filter(Q(name__icontains=value) | Q(uscc__iexact=value))
            .order_by("pk")
            .values_list("pk", flat=True)[:MAX_MATCHED_CUSTOMERS]
        )
        return queryset.filter(Q(customer_id__in=ids) | Q(customer_ids__overlap=ids))

    def filter_ip(self, queryset, name, value):
        """A whole address matches exactly; anything else is a prefix ("10.1." for a branch)."""
        value = value.strip()
        try:
            return queryset.filter(ip=str(ipaddress.ip_address(value)))
        except ValueError:
            return queryset.filter(ip__startswith=value)
