"""FilterSets shared by the loan pages and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import ApplicationStatus, Classification, LoanStatus, RepaymentMethod
from .models import Loan, LoanApplication, LoanProduct
from .selectors import approver_queue


class LoanApplicationFilter(django_filters.FilterSet):
    """Applications by status, customer, product, text; `queue=mine` for the caller's queue."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.MultipleChoiceFilter(choices=ApplicationStatus.choices)
    product = django_filters.ModelChoiceFilter(
        queryset=LoanProduct.objects.all(), to_field_name="code", label=_("Product")
    )
    queue = django_filters.ChoiceFilter(
        choices=[("mine", _("Waiting for my decision"))], method="filter_queue", label=_("Queue")
    )
    # Named `sort` for the sortable column headers (crm/templatetags/crm_tables.py), which only
    # link to these fields; the page and the API order through this one definition.
    sort = django_filters.OrderingFilter(
        fields=(
            ("id", "id"),
            ("customer__name", "customer"),
            ("product__code", "product"),
            ("amount", "amount"),
            ("term_months", "term_months"),
            ("status", "status"),
            ("created_at", "created_at"),
        ),
        field_labels={
            "id": _("Number"),
            "customer__name": _("Customer"),
            "product__code": _("Product"),
            "amount": _("Amount"),
            "term_months": _("Term"),
            "status": _("Status"),
            "created_at": _("Created"),
        },
        label=_("Sort"),
    )

    class Meta:
        model = LoanApplication
        fields = ["customer", "status", "product", "repayment_method", "guarantee_method"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        q = Q(customer__name__icontains=value) | Q(customer__uscc__icontains=value)
        if value.lstrip("#").isdigit():
            q |= Q(pk=int(value.lstrip("#")))
        return queryset.filter(q)

    def filter_queue(self, queryset, name, value):
        if value != "mine":
            return queryset
        return approver_queue(user=self.request.user, queryset=queryset)


class LoanFilter(django_filters.FilterSet):
    """Loans by customer, status, classification, overdue."""

    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=LoanStatus.choices)
    classification = django_filters.MultipleChoiceFilter(choices=Classification.choices)
    repayment_method = django_filters.ChoiceFilter(choices=RepaymentMethod.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    # The API's `ordering`; the loan list's column headers link to the same fields.
    ordering = django_filters.OrderingFilter(
        fields=(
            ("id", "id"),
            ("customer__name", "customer"),
            ("product__code", "product"),
            ("principal", "principal"),
            ("disbursed_on", "disbursed_on"),
            ("maturity_date", "maturity_date"),
            ("outstanding_principal", "outstanding_principal"),
            ("days_past_due", "days_past_due"),
            ("classification", "classification"),
        )
    )

    class Meta:
        model = Loan
        fields = ["customer", "status", "classification", "repayment_method"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(customer__name__icontains=value) | Q(customer__uscc__icontains=value)
        )

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(days_past_due__gt=0) if value else queryset.filter(days_past_due=0)
