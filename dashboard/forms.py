"""The dashboard's filters: period, product and (for bank-wide viewers) team."""

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import Team
from crm.roles import sees_everything
from loans.models import LoanProduct

from .selectors import DashboardFilters, default_filters

MAX_PERIOD_DAYS = 3 * 366


class DashboardFilterForm(forms.Form):
    """GET filters; invalid values are reported and the defaults used instead."""

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=LoanProduct.objects.order_by("code"),
        required=False,
        empty_label=_("All products"),
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label=_("All teams"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only bank-wide viewers choose a team; everyone else already sees one book.
        if not sees_everything(user):
            del self.fields["team"]
        for name, field in self.fields.items():
            css = (
                "form-select form-select-sm"
                if name in ("product", "team")
                else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = css

    def clean(self):
        cleaned = super().clean()
        start = cleaned.get("start")
        end = cleaned.get("end") or default_filters().end
        if start:
            if start > end:
                self.add_error("end", _("The end of the period must not be before its start."))
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("start", _("Choose a period of at most three years."))
        return cleaned

    def filters(self) -> DashboardFilters:
        """The filters to apply: valid values, the defaults for the rest."""
        defaults = default_filters()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        end = data.get("end") or defaults.end
        start = data.get("start") or end - timedelta(days=364)
        product = data.get("product")
        team = data.get("team")
        return DashboardFilters(
            start=start,
            end=end,
            product_id=product.pk if product else None,
            team_id=team.pk if team else None,
        )
