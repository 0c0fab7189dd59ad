"""One FilterSet per model, shared by the notification centre page and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from .choices import NotificationKind
from .models import Notification


class NotificationFilter(django_filters.FilterSet):
    """API.md: filters `kind`, `loan`, `read`."""

    kind = django_filters.ChoiceFilter(label=_("kind"), choices=NotificationKind.choices)
    loan = django_filters.NumberFilter(label=_("loan"), field_name="loan")
    read = django_filters.BooleanFilter(label=_("read"), method="filter_read")

    class Meta:
        model = Notification
        fields = ["kind", "loan", "read"]

    def filter_read(self, queryset, name, value):
        return queryset.filter(read_at__isnull=not value)
