"""Forms of the loan pages; they validate input and the services enforce the rules."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Customer

from .choices import Classification, Material
from .models import Collateral, Guarantor, LoanApplication, LoanProduct


class BootstrapMixin:
    """Bootstrap classes on every widget, and `is-invalid` on fields with errors."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class ApplicationForm(BootstrapMixin, forms.ModelForm):
    """Create or edit the terms of an application."""

    materials = forms.MultipleChoiceField(
        label=_("Materials received"),
        choices=Material.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = LoanApplication
        fields = [
            "customer",
            "product",
            "amount",
            "term_months",
            "annual_rate",
            "repayment_method",
            "guarantee_method",
            "purpose",
            "priority",
            "materials",
        ]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.visible_to(user).order_by("name")
        self.fields["product"].queryset = LoanProduct.objects.filter(is_active=True)
        if self.instance.pk:
            self.fields["customer"].disabled = True


class CollateralForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Collateral
        fields = [
            "kind",
            "description",
            "owner_name",
            "value",
            "valuation_date",
            "registration_ref",
            "security_interest",
        ]
        widgets = {"valuation_date": forms.DateInput(attrs={"type": "date"})}


class GuarantorForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Guarantor
        fields = ["kind", "customer", "name", "id_number", "amount"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].queryset = Customer.objects.visible_to(user).order_by("name")
        self.fields["customer"].required = False


class MaterialsForm(forms.Form):
    """The materials checklist ticked on the application page."""

    materials = forms.MultipleChoiceField(
        label=_("Materials received"),
        choices=Material.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class CommentForm(BootstrapMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ApproveForm(CommentForm):
    approved_amount = forms.DecimalField(
        label=_("Approved amount"), max_digits=18, decimal_places=2, required=False
    )
    approved_term_months = forms.IntegerField(
        label=_("Approved term (months)"), min_value=1, required=False
    )
    approved_annual_rate = forms.DecimalField(
        label=_("Approved annual rate (%)"), max_digits=7, decimal_places=4, required=False
    )
    conditions = forms.CharField(label=_("Conditions"), required=False)


class DisburseForm(CommentForm):
    disbursed_on = forms.DateField(
        label=_("Disbursed on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class RepaymentForm(BootstrapMixin, forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=18, decimal_places=2, min_value=Decimal("0.01")
    )


class ReversalForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for the reversal"))


class ProposalForm(BootstrapMixin, forms.Form):
    classification = forms.ChoiceField(label=_("Classification"), choices=Classification.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("Note"), required=False)
