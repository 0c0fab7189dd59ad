"""Forms of the data-protection pages; services do the checks, forms show the messages."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.forms import BootstrapMixin, DateInput
from customers.models import Contact

from .choices import ConsentPurpose, DataCategory, ShareGround, ShareMethod


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class CategoriesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(choices=DataCategory.choices, **kwargs)


class ConsentForm(BootstrapMixin, forms.Form):
    """Record a consent the person gave (on paper, in the app, by recorded call)."""

    contact = forms.ModelChoiceField(queryset=Contact.objects.none(), label=_("Person"))
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    scope = CategoriesField(label=_("Scope of use (information categories)"))
    scope_note = forms.CharField(label=_("Scope of use (details)"), required=False, max_length=500)
    retention_months = forms.IntegerField(
        label=_("Retention period (months)"), min_value=1, max_value=1200
    )
    notice_version = forms.CharField(label=_("Notice version"), max_length=50)
    given_at = forms.DateTimeField(label=_("Given at"), widget=DateTimeInput())
    evidence = forms.CharField(
        label=_("Evidence / reference"),
        max_length=300,
        help_text=_("E.g. the signed form's number or the recorded call's reference."),
    )

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(customer=customer).order_by(
            "name", "id"
        )
        self.fields["scope"].widget.attrs["class"] = "list-unstyled"
        self.initial.setdefault("given_at", timezone.localtime().replace(second=0, microsecond=0))


class WithdrawForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("How the person withdrew"), required=False, max_length=500, widget=forms.Textarea
    )


class ShareForm(BootstrapMixin, forms.Form):
    """Record one disclosure of customer data."""

    ground = forms.ChoiceField(label=_("Legal ground"), choices=ShareGround.choices)
    purpose = forms.ChoiceField(label=_("Purpose"), choices=ConsentPurpose.choices)
    contact = forms.ModelChoiceField(
        queryset=Contact.objects.none(),
        label=_("Person whose data is shared"),
        required=False,
        help_text=_("Required for the consent ground."),
    )
    basis_reference = forms.CharField(
        label=_("Basis reference"),
        required=False,
        max_length=300,
        help_text=_("The law and article, the regulator's request number or the interface."),
    )
    recipient = forms.CharField(label=_("Recipient"), max_length=200)
    scope = CategoriesField(label=_("Scope (information categories)"))
    fields_shared = forms.CharField(label=_("Fields shared"), max_length=500)
    method = forms.ChoiceField(label=_("Method"), choices=ShareMethod.choices)
    shared_on = forms.DateField(label=_("Shared on"), widget=DateInput())

    def __init__(self, *args, customer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(customer=customer).order_by(
            "name", "id"
        )
        self.fields["scope"].widget.attrs["class"] = "list-unstyled"
        self.initial.setdefault("shared_on", timezone.localdate())


class AnonymiseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I confirm: replace this customer's personal data now. This cannot be undone."),
        required=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
