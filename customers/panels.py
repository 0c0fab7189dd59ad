"""The customers app's own tabs of the customer page (profile, contacts, financials, ...).

They are registered like every other app's tab (crm/registry.py), so the page treats them
alike: the open tab is rendered with the page, the others load from `customer-tab` on demand.
Each function runs a fixed number of queries, whatever the number of rows.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.masking import can_view_sensitive, mask_id_number, mask_phone
from crm.registry import customer_panel

from . import selectors, services
from .choices import Criterion, OnboardingStepCode
from .forms import CriterionForm, OnboardingStepForm
from .models import SegmentationPolicy
from .segmentation import review_due_on


def _can(request, perm: str) -> bool:
    return request.user.has_perm(perm)


def customer_review_due_on(customer):
    """When the classification is next due for review (kept on the instance: header and tab)."""
    if not hasattr(customer, "_review_due_on"):
        customer._review_due_on = review_due_on(
            classified_on=customer.classified_on,
            credit_grade=customer.credit_grade,
            risk_level=customer.risk_level,
            policy=SegmentationPolicy.current(),
        )
    return customer._review_due_on


@customer_panel("profile", label=_("Profile"), order=0, template="customers/includes/profile.html")
def profile_tab(request, customer):
    """Identity, value and classification, provenance and business."""
    return {"review_due_on": customer_review_due_on(customer)}


@customer_panel(
    "contacts", label=_("Contacts"), order=1, template="customers/includes/contacts.html"
)
def contacts_tab(request, customer):
    """Contacts with their personal numbers masked (revealing one is logged)."""
    contacts = list(customer.contacts.order_by("approval_order", "name", "id"))
    for contact in contacts:
        contact.phone_masked = mask_phone(contact.phone)
        contact.id_number_masked = mask_id_number(contact.id_number)
    return {
        "contacts": contacts,
        "can_change": _can(request, "customers.change_customer"),
        "can_add_contact": _can(request, "customers.add_contact"),
        "can_reveal": can_view_sensitive(request.user),
    }


@customer_panel(
    "financials", label=_("Financials"), order=2, template="customers/includes/financials.html"
)
def financials_tab(request, customer):
    """Statements newest first and the ratio trend chart (oldest first)."""
    statements = selectors.customer_statements(customer=customer)
    return {
        "statements": list(reversed(statements)),
        "chart": selectors.ratio_chart_data(statements),
        "can_change": _can(request, "customers.change_customer"),
        "can_add_statement": _can(request, "customers.add_financialstatement"),
    }


@customer_panel("needs", label=_("Needs"), order=40, template="customers/includes/needs.html")
def needs_tab(request, customer):
    """The customer's financing and service needs."""
    return {
        "needs": list(customer.needs.select_related("owner").order_by("status", "-created_at")),
        "can_change": _can(request, "customers.change_customer"),
        "can_add_need": _can(request, "customers.add_need"),
    }


@customer_panel(
    "relations",
    label=_("Related parties / group"),
    order=41,
    template="customers/includes/relations.html",
)
def relations_tab(request, customer):
    """Related parties, the group's visible members and the group's exposure."""
    members, hidden_members = selectors.group_members(group=customer.group, user=request.user)
    member_ids = [m.pk for m in customer.group.members.all()] if customer.group else [customer.pk]
    return {
        "relations": selectors.customer_relations(customer=customer, user=request.user),
        "group_members": members,
        "hidden_members": hidden_members,
        "exposure": selectors.group_exposure(member_ids),
        "can_change": _can(request, "customers.change_customer"),
    }


@customer_panel(
    "onboarding", label=_("Onboarding"), order=42, template="customers/includes/onboarding.html"
)
def onboarding_tab(request, customer):
    """The four onboarding steps and the six criteria, with what blocks the conversion."""
    steps = {s.step: s for s in customer.onboarding_steps.select_related("completed_by")}
    criteria = {c.criterion: c for c in customer.criteria.select_related("assessed_by")}
    return {
        "steps": [(code, steps.get(code.value)) for code in OnboardingStepCode],
        "criteria": [(c, criteria.get(c.value)) for c in Criterion],
        "blockers": services.onboarding_blockers(customer),
        "can_change": _can(request, "customers.change_customer"),
        "onboarding_form": OnboardingStepForm(),
        "criterion_form": CriterionForm(),
    }


@customer_panel(
    "history",
    label=_("Classification history"),
    order=43,
    template="customers/includes/history.html",
)
def history_tab(request, customer):
    """The recorded changes of the profile, contacts and statements, newest first."""
    return {
        "changes": list(selectors.classification_changes(customer=customer)[:50]),
        "can_change": _can(request, "customers.change_customer"),
        "today": timezone.localdate(),
    }
