"""Forms of the risk pages; they validate input, the services decide."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.models import User
from crm.roles import Role
from customers.models import Customer, Industry

from .choices import AlertResponse, CheckMethod, ManualCategory, RiskEventKind, Severity


def risk_staff():
    """Who an alert can be assigned to: active risk officers."""
    return User.objects.filter(is_active=True, groups__name=Role.RISK_OFFICER).order_by("username")


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DismissForm(forms.Form):
    note = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    response = forms.ChoiceField(label=_("Response"), choices=AlertResponse.choices)
    note = forms.CharField(
        label=_("What was done"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = risk_staff()


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))


class BulkForm(forms.Form):
    ACTIONS = (("acknowledge", _("Acknowledge")), ("assign", _("Assign")))

    action = forms.ChoiceField(label=_("Action"), choices=ACTIONS)
    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = risk_staff()

    def clean(self):
        data = super().clean()
        if data.get("action") == "assign" and not data.get("assignee"):
            self.add_error("assignee", _("Choose who gets the alerts."))
        return data


class CustomerLookupField(forms.CharField):
    """A customer by id or USCC, within the user's scope (set `queryset` in the form)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Customer (id or USCC)"))
        super().__init__(*args, **kwargs)
        self.queryset = Customer.objects.none()

    def clean(self, value):
        value = super().clean(value).strip().upper()
        query = Q(uscc=value)
        if value.isdigit():
            query |= Q(pk=int(value))
        customer = self.queryset.filter(query).first()
        if customer is None:
            raise forms.ValidationError(_("No customer with that id or USCC."))
        return customer


class ManualAlertForm(forms.Form):
    customer = CustomerLookupField()
    category = forms.ChoiceField(label=_("Category"), choices=ManualCategory.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    message = forms.CharField(label=_("What happened"), max_length=300)
    facts = forms.CharField(
        label=_("Facts and sources"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, customers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers


class RiskEventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=RiskEventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    occurred_on = forms.DateField(
        label=_("Occurred on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    industries = forms.ModelMultipleChoiceField(
        label=_("Industries"), queryset=Industry.objects.all(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )  # fmt: skip
    regions = forms.CharField(label=_("Regions (comma-separated, as on customers)"), required=False)

    def clean_regions(self):
        raw = self.cleaned_data["regions"].replace("，", ",")
        return [part.strip() for part in raw.split(",") if part.strip()]

    def clean(self):
        data = super().clean()
        if not data.get("industries") and not data.get("regions"):
            raise forms.ValidationError(_("Tag at least one industry or region."))
        return data


class WatchListAddForm(forms.Form):
    customer = CustomerLookupField()
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    review_interval_days = forms.IntegerField(
        label=_("Review every (days)"), min_value=1, max_value=365, initial=90
    )

    def __init__(self, *args, customers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = customers


class WatchListReviewForm(forms.Form):
    conclusion = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 2}))


class WatchListRemoveForm(forms.Form):
    reason = forms.CharField(label=_("Why remove"), widget=forms.Textarea(attrs={"rows": 2}))


class PostLoanCheckForm(forms.Form):
    loan = forms.IntegerField(label=_("Loan number (L…)"), min_value=1)
    checked_on = forms.DateField(
        label=_("Checked on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    method = forms.ChoiceField(label=_("Method"), choices=CheckMethod.choices)
    loan_usage = forms.CharField(
        label=_("How the funds were used"), widget=forms.Textarea(attrs={"rows": 2})
    )
    purpose_compliant = forms.TypedChoiceField(
        label=_("Used for the agreed purpose?"),
        choices=(("yes", _("Yes (合规)")), ("no", _("No (不合规)"))),
        coerce=lambda value: value == "yes",
    )
    findings = forms.CharField(
        label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_check_on = forms.DateField(
        label=_("Next check (blank: by policy)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip

    def __init__(self, *args, loans, **kwargs):
        super().__init__(*args, **kwargs)
        self.loans = loans

    def clean_loan(self):
        loan = self.loans.filter(pk=self.cleaned_data["loan"]).first()
        if loan is None:
            raise forms.ValidationError(_("No active loan with that number in your portfolio."))
        return loan
