"""Browser pages of the data-protection app: consent, share log, retention confirmations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from crm.exceptions import DomainError
from customers.forms import apply_errors
from customers.selectors import customer_get
from customers.views import customer_url

from . import selectors, services
from .forms import AnonymiseForm, ConsentForm, ShareForm, WithdrawForm
from .models import Consent


def _require(user, perm):
    if not user.has_perm(perm):
        raise PermissionDenied


def _page(request, form, title, customer=None, *, extra=None):
    return render(
        request,
        "privacy/form.html",
        {"form": form, "title": title, "customer": customer, **(extra or {})},
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_create(request, pk):
    """Record a consent given by one of the customer's contacts."""
    customer = customer_get(user=request.user, pk=pk)
    _require(request.user, "privacy.add_consent")
    initial = {}
    if request.GET.get("contact", "").isdigit():
        initial["contact"] = int(request.GET["contact"])
    form = ConsentForm(
        request.POST if request.method == "POST" else None, customer=customer, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_give(user=request.user, customer=customer, **form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect(customer_url(customer, "privacy"))
    return _page(request, form, _("Record consent"), customer)


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request, pk, consent_pk):
    """Record that a person withdrew a consent; the record is kept."""
    customer = customer_get(user=request.user, pk=pk)
    consent = get_object_or_404(
        Consent.objects.visible_to(request.user).select_related("contact", "guarantor"),
        customer=customer,
        pk=consent_pk,
    )
    _require(request.user, "privacy.change_consent")
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_withdraw(
                user=request.user, consent=consent, note=form.cleaned_data["note"]
            )
        except (DomainError, ValidationError) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Withdrawal recorded."))
            return redirect(customer_url(customer, "privacy"))
    return _page(
        request,
        form,
        _("Withdraw consent of %(person)s") % {"person": consent.person},
        customer,
        extra={"consent": consent},
    )


@login_required
@require_http_methods(["GET", "POST"])
def share_create(request, pk):
    """Record a disclosure; consent-based shares need an active covering consent."""
    customer = customer_get(user=request.user, pk=pk)
    _require(request.user, "privacy.add_sharerecord")
    form = ShareForm(request.POST if request.method == "POST" else None, customer=customer)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["fields"] = data.pop("fields_shared")
        try:
            services.share_record(user=request.user, customer=customer, request=request, **data)
        except (DomainError, ValidationError) as exc:
            if isinstance(exc, DomainError) and exc.field == "fields":
                exc.field = "fields_shared"
            apply_errors(form, exc)
        else:
            messages.success(request, _("Share recorded."))
            return redirect(customer_url(customer, "privacy"))
    return _page(request, form, _("Record data sharing"), customer)


@login_required
@require_GET
def retention_list(request):
    """Customers past retention awaiting an authorised person's confirmation."""
    if not services.may_anonymise(request.user):
        raise PermissionDenied
    flags = Paginator(selectors.retention_flags(user=request.user), 50).get_page(
        request.GET.get("page")
    )
    done = selectors.retention_flags(user=request.user, status="anonymised").order_by(
        "-anonymised_at"
    )[:20]
    return render(
        request,
        "privacy/retention_list.html",
        {"flags": flags, "done": done, "years": selectors.retention_years()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def retention_anonymise(request, flag_pk):
    """Confirm the anonymisation of one flagged customer (a checkbox; nothing without it)."""
    if not services.may_anonymise(request.user):
        raise PermissionDenied
    flag = get_object_or_404(
        selectors.retention_flags_visible_to(request.user).select_related("customer"),
        pk=flag_pk,
    )
    form = AnonymiseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.customer_anonymise(
                user=request.user,
                flag=flag,
                confirm=form.cleaned_data["confirm"],
                request=request,
            )
        except (DomainError, ValidationError) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s anonymised.") % {"name": flag.customer.name})
            return redirect("privacy:retention-list")
    return render(
        request,
        "privacy/retention_confirm.html",
        {
            "flag": flag,
            "form": form,
            "contacts": flag.customer.contacts.count(),
        },
    )
