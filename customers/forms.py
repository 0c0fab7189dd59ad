"""Forms of the customer pages; validation messages are shown next to each field."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from crm.models import User
from crm.roles import Role

from .choices import Assessment, Criterion, OnboardingStepCode, RelationKind
from .models import Contact, Customer, FinancialStatement, Need
from .validators import uscc_validator


class BootstrapMixin:
    """Give every widget the Bootstrap 5 class it needs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", 3)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def apply_errors(form, exc) -> None:
    """Show a service's error on the form: on its field when the form has it, else on top."""
    from crm.exceptions import DomainError

    if isinstance(exc, DomainError):
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    form.add_error(None, exc)


def managers():
    """Users who may own customers."""
    return (
        User.objects.filter(
            is_active=True, groups__name__in=[Role.RELATIONSHIP_MANAGER, Role.TEAM_LEAD]
        )
        .distinct()
        .order_by("username")
    )


PROFILE_FIELDS = [
    "name",
    "uscc",
    "legal_form",
    "entity_type",
    "industry",
    "size",
    "region",
    "region_tier",
    "branch",
    "cooperation_start",
    "group",
    "registered_address",
    "established_on",
    "registered_capital",
    "employees",
    "business_model",
    "market_position",
    "operating_condition",
    "supply_chain",
    "soft_information",
    "approved_credit",
    "deposits",
    "intermediate_income",
    "products_held",
    "data_source",
    "verification_method",
    "verified",
    "collected_on",
]


class CustomerForm(BootstrapMixin, forms.ModelForm):
    """The profile form (create and edit); the owner is chosen only by those who may."""

    relationship_manager = forms.ModelChoiceField(
        queryset=User.objects.none(), required=False, label=_("Relationship manager")
    )

    class Meta:
        model = Customer
        fields = PROFILE_FIELDS
        widgets = {
            "cooperation_start": DateInput(),
            "established_on": DateInput(),
            "collected_on": DateInput(),
        }

    def __init__(self, *args, can_choose_owner=False, can_view_sensitive=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["uscc"].help_text = _("18 characters, e.g. 91350100M000100Y43.")
        if can_choose_owner:
            self.fields["relationship_manager"].queryset = managers()
        else:
            del self.fields["relationship_manager"]
        if can_view_sensitive:
            self.fields["soft_information"].help_text = _(
                "Restricted (软信息): encrypted, masked for users without the permission."
            )
        else:
            # The field would show the text in full; without the permission it is not edited.
            del self.fields["soft_information"]

    def clean_uscc(self):
        value = (self.cleaned_data.get("uscc") or "").strip().upper()
        uscc_validator(value)
        return value


class ClassificationForm(BootstrapMixin, forms.ModelForm):
    """Tier, segment, lifecycle and value tier, with the reason kept in the change log."""

    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=1000)

    class Meta:
        model = Customer
        fields = ["tier", "segment", "lifecycle_stage", "value_tier"]


class ReviewForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Review conclusion"), widget=forms.Textarea, max_length=1000)


class ReassignForm(BootstrapMixin, forms.Form):
    relationship_manager = forms.ModelChoiceField(
        queryset=User.objects.none(), label=_("New relationship manager")
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea, max_length=1000)

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relationship_manager"].queryset = (
            queryset if queryset is not None else managers()
        )


class ContactForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Contact
        fields = [
            "name",
            "role",
            "department",
            "position",
            "is_decision_maker",
            "approval_order",
            "birthday",
            "phone",
            "email",
            "wechat",
            "id_number",
            "preferences",
            "data_source",
        ]
        widgets = {
            "birthday": DateInput(),
            "phone": forms.TextInput(attrs={"autocomplete": "off", "maxlength": 30}),
            "id_number": forms.TextInput(attrs={"autocomplete": "off", "maxlength": 30}),
        }


class StatementForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = FinancialStatement
        fields = [
            "period_end",
            "revenue",
            "net_profit",
            "total_assets",
            "total_liabilities",
            "current_assets",
            "current_liabilities",
            "inventory",
            "operating_cash_flow",
            "interest_expense",
            "ebit",
            "audited",
            "data_source",
            "verified",
        ]
        widgets = {"period_end": DateInput()}


class NeedForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Need
        fields = [
            "title",
            "kind",
            "discovery_method",
            "description",
            "product_type",
            "amount",
            "term_months",
            "cooperation_potential",
            "importance",
            "urgency",
            "status",
            "last_reviewed_on",
        ]
        widgets = {"last_reviewed_on": DateInput()}


class RelationForm(BootstrapMixin, forms.Form):
    related = forms.ModelChoiceField(queryset=Customer.objects.none(), label=_("Related customer"))
    kind = forms.ChoiceField(choices=RelationKind.choices, label=_("Relation"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["related"].queryset = queryset


class OnboardingStepForm(BootstrapMixin, forms.Form):
    step = forms.TypedChoiceField(choices=OnboardingStepCode.choices, coerce=int, label=_("Step"))
    outcome = forms.ChoiceField(choices=Assessment.choices, label=_("Outcome"))
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea, required=False)


class CriterionForm(BootstrapMixin, forms.Form):
    criterion = forms.ChoiceField(choices=Criterion.choices, label=_("Criterion"))
    assessment = forms.ChoiceField(choices=Assessment.choices, label=_("Assessment"))
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea, required=False)


class ImportForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
