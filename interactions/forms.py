"""Forms of the interactions pages; they collect input, the services decide."""

from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Contact, Customer

from .choices import (
    Level,
    RequestStatus,
    Satisfaction,
    SurveyChannel,
    SurveyDimension,
    VisitStatus,
)
from .models import Interaction, ServiceRequest, VisitPlan


def bootstrapify(form):
    """Give every widget Bootstrap's class (select, checkbox or text input)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return form


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        if hasattr(value, "strftime"):
            # Bound fields hand over local naive times already; convert only aware ones.
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.strftime("%Y-%m-%dT%H:%M")
        return value


class ScopedCustomerMixin:
    """Limits the `customer` choice to the user's customers."""

    def scope_customers(self, user):
        self.fields["customer"].queryset = Customer.objects.visible_to(user).only("id", "name")
        bootstrapify(self)


class ContactChoices(forms.CheckboxSelectMultiple):
    """The customer's contacts as toggle buttons: big enough to tap on a phone."""

    template_name = "interactions/widgets/contact_choices.html"
    empty_hint = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["empty_hint"] = self.empty_hint
        return context


class ParticipantsMixin(ScopedCustomerMixin):
    """A `contacts` field offering only the contacts of the form's customer.

    The customer comes from the submitted data or the initial value (the customer page's link);
    the page reloads the choices with htmx when another customer is picked.
    """

    def scope_participants(self, user):
        self.scope_customers(user)
        field = self.fields["contacts"]
        customer_id = self._chosen_customer_id()
        field.queryset = participant_choices(user, customer_id)
        field.widget.attrs["class"] = "btn-check"
        field.widget.empty_hint = (
            _("Choose the customer to pick who took part.")
            if customer_id is None
            else _("No contacts on file for this customer: name them under “Others present”.")
        )
        self.fields["customer"].widget.attrs.update(
            {
                "hx-get": reverse("interactions:contact-choices"),
                "hx-trigger": "change",
                "hx-target": "#participants",
                "hx-swap": "innerHTML",
            }
        )

    def _chosen_customer_id(self):
        raw = self.data.get("customer") if self.is_bound else self.initial.get("customer")
        try:
            return int(getattr(raw, "pk", raw))
        except (TypeError, ValueError):
            return None


def participant_choices(user, customer_id):
    """The contacts of one visible customer (none without a customer)."""
    if customer_id is None:
        return Contact.objects.none()
    return (
        Contact.objects.visible_to(user)
        .filter(customer_id=customer_id)
        .only("id", "name", "role", "customer_id")
        .order_by("approval_order", "name", "id")
    )


def contacts_field():
    """The multi-select of the customer's contacts shared by the interaction and visit forms."""
    return forms.ModelMultipleChoiceField(
        label=_("Customer contacts"),
        queryset=Contact.objects.none(),
        required=False,
        widget=ContactChoices(),
        error_messages={"invalid_choice": _("Choose contacts of this customer only.")},
    )


class InteractionForm(ParticipantsMixin, forms.ModelForm):
    """Quick entry of a contact: the essentials first, details optional (phone friendly)."""

    contacts = contacts_field()
    occurred_at = forms.DateTimeField(label=_("When"), widget=DateTimeInput(), initial=timezone.now)
    next_action_due = forms.DateField(
        label=_("Next action due"), widget=DateInput(), required=False
    )
    visit_plan = forms.ModelChoiceField(
        label=_("Planned visit this records"), queryset=VisitPlan.objects.none(), required=False
    )

    class Meta:
        model = Interaction
        fields = [
            "customer",
            "channel",
            "purpose",
            "occurred_at",
            "summary",
            "contacts",
            "contact_names",
            "situation",
            "findings",
            "next_action",
            "next_action_due",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "contact_names": forms.Textarea(attrs={"rows": 2}),
            "situation": forms.Textarea(attrs={"rows": 2}),
            "findings": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"contact_names": _("Anyone else present, one name per line.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visit_plan"].queryset = (
            VisitPlan.objects.visible_to(user)
            .filter(status__in=[VisitStatus.PLANNED, VisitStatus.MISSED])
            .select_related("customer")
        )
        self.scope_participants(user)

    def clean(self):
        """The pairing rule on the right field (the database constraint would be anonymous)."""
        data = super().clean()
        if data.get("next_action", "").strip() and not data.get("next_action_due"):
            self.add_error("next_action_due", _("A next action needs a due date."))
        elif data.get("next_action_due") and not data.get("next_action", "").strip():
            self.add_error("next_action", _("Say what the next action is."))
        return data


class ServiceRequestForm(ScopedCustomerMixin, forms.ModelForm):
    """Receive a complaint, suggestion, inquiry or service request."""

    received_at = forms.DateTimeField(
        label=_("Received at"), widget=DateTimeInput(), initial=timezone.now
    )

    class Meta:
        model = ServiceRequest
        fields = [
            "customer",
            "kind",
            "urgency",
            "importance",
            "summary",
            "received_at",
            "channel",
            "polarity",
            "business_line",
            "product_type",
            "service_stage",
            "cause_category",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_customers(user)
        self.fields["urgency"].initial = Level.MEDIUM


class BootstrapForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrapify(self)


class AdvanceForm(BootstrapForm):
    """Move a request forward, with what the target step needs."""

    to_status = forms.ChoiceField(label=_("Move to"), choices=RequestStatus.choices[1:])
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=get_user_model().objects.filter(is_active=True), required=False
    )
    department = forms.CharField(label=_("Department"), required=False, max_length=100)
    action_plan = forms.CharField(
        label=_("Action plan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())
    resolution = forms.CharField(
        label=_("Resolution"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    customer_satisfaction = forms.ChoiceField(
        label=_("Customer's satisfaction"),
        choices=[("", "—"), *Satisfaction.choices],
        required=False,
    )
    effect_evaluation = forms.CharField(
        label=_("Effect evaluation"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def service_kwargs(self) -> dict:
        """Only the fields that were filled in, so blanks do not erase earlier values."""
        data = self.cleaned_data
        kwargs = {"to_status": data["to_status"], "note": data["note"]}
        for name in (
            "owner",
            "department",
            "action_plan",
            "due_date",
            "resolution",
            "customer_satisfaction",
            "effect_evaluation",
        ):
            if data.get(name):
                kwargs[name] = data[name]
        return kwargs


class ProgressForm(BootstrapForm):
    note = forms.CharField(
        label=_("Progress update sent to the customer"), widget=forms.Textarea(attrs={"rows": 2})
    )


SCORE_CHOICES = [("", "—"), *[(str(n), str(n)) for n in range(1, 6)]]
NPS_CHOICES = [("", "—"), *[(str(n), str(n)) for n in range(11)]]


class SurveyResponseForm(ScopedCustomerMixin, forms.Form):
    """A survey answered on paper or by interview, entered by the RM."""

    customer = forms.ModelChoiceField(label=_("Customer"), queryset=Customer.objects.none())
    responded_on = forms.DateField(
        label=_("Responded on"), widget=DateInput(), initial=timezone.localdate
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=SurveyChannel.choices, initial=SurveyChannel.INTERVIEW
    )
    respondent = forms.CharField(label=_("Respondent"), required=False, max_length=100)
    nps = forms.TypedChoiceField(
        label=_("How likely is the customer to recommend us? (0–10)"),
        choices=NPS_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_customers(user)
        for code, label in SurveyDimension.choices:
            self.fields[f"csat_{code}"] = forms.TypedChoiceField(
                label=label, choices=SCORE_CHOICES, coerce=int, empty_value=None, required=False
            )

    def dimension_fields(self):
        return [self[f"csat_{code}"] for code in SurveyDimension.values]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "customer": data["customer"],
            "responded_on": data["responded_on"],
            "channel": data["channel"],
            "respondent": data["respondent"],
            "nps": data["nps"],
            "comment": data["comment"],
            "csat": {
                code: data[f"csat_{code}"]
                for code in SurveyDimension.values
                if data.get(f"csat_{code}") is not None
            },
        }


class VisitPlanForm(ParticipantsMixin, forms.ModelForm):
    """Plan a visit: date, agenda, preparation and who goes."""

    planned_for = forms.DateField(label=_("Planned for"), widget=DateInput())
    contacts = contacts_field()

    class Meta:
        model = VisitPlan
        fields = [
            "customer",
            "planned_for",
            "agenda",
            "preparation",
            "itinerary",
            "contacts",
            "contact_names",
        ]
        widgets = {
            "agenda": forms.Textarea(attrs={"rows": 2}),
            "preparation": forms.Textarea(attrs={"rows": 2}),
            "contact_names": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"contact_names": _("Anyone else present, one name per line.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_participants(user)


class ContactOverrideForm(BootstrapForm):
    """A customer's own contact interval (empty days: back to the policy)."""

    interval_days = forms.IntegerField(
        label=_("Contact at least every (days)"), min_value=1, max_value=365, required=False
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
