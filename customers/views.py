"""Browser pages of the customers app: list, the single customer view, forms, import/export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crm.exceptions import DomainError
from crm.masking import can_view_sensitive
from crm.models import AccessLog
from crm.registry import customer_panels, customer_summaries
from crm.services import access_log_record
from crm.tables import valid_sort

from . import selectors, services
from .choices import Segment, Tier
from .filters import CustomerFilter
from .forms import (
    ClassificationForm,
    ContactForm,
    CriterionForm,
    CustomerForm,
    ImportForm,
    NeedForm,
    OnboardingStepForm,
    ReassignForm,
    RelationForm,
    ReviewForm,
    StatementForm,
    apply_errors,
    managers,
)
from .models import (
    Contact,
    Customer,
    CustomerRelation,
    FinancialStatement,
    Need,
    SegmentationPolicy,
)
from .panels import customer_review_due_on
from .segmentation import segment_for, suggested_tier
from .spreadsheets import (
    IMPORT_COLUMNS,
    ImportRejected,
    customers_export,
    customers_import,
    import_template_csv,
)

PAGE_SIZE = 25


def _require(user, perm):
    if not user.has_perm(perm):
        raise PermissionDenied


def _query_without(request, *names) -> str:
    """The current query string without the given parameters (for sort and page links)."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


@login_required
@require_GET
def customer_list(request):
    """The caller's customers with search, filters, sorting and pagination."""
    _require(request.user, "customers.view_customer")
    params = valid_sort(request.GET, CustomerFilter)
    filterset, queryset = selectors.customer_list(user=request.user, filters=params)
    if not params.get("sort"):
        queryset = queryset.order_by("name", "id")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    for field in filterset.form.fields.values():
        css = (
            "form-select form-select-sm"
            if hasattr(field, "choices")
            else "form-control form-control-sm"
        )
        field.widget.attrs["class"] = css
    return render(
        request,
        "customers/customer_list.html",
        {
            "filterset": filterset,
            "page": page,
            "page_query": _query_without(request, "page"),
            "export_query": _query_without(request, "page", "format"),
            "can_add": request.user.has_perm("customers.add_customer"),
            "can_import": request.user.has_perm("customers.import_customers"),
            "can_export": request.user.has_perm("customers.export_customers"),
        },
    )


def _can_choose_owner(user) -> bool:
    return user.is_staff or user.is_superuser or user.has_perm("customers.reassign_customer")


@login_required
@require_http_methods(["GET", "POST"])
def customer_create(request):
    """Onboard a company: the profile form."""
    _require(request.user, "customers.add_customer")
    chooses = _can_choose_owner(request.user)
    form = CustomerForm(
        request.POST or None,
        can_choose_owner=chooses,
        can_view_sensitive=can_view_sensitive(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields if f in form.cleaned_data}
        if chooses and form.cleaned_data.get("relationship_manager"):
            data["relationship_manager"] = form.cleaned_data["relationship_manager"]
        try:
            customer = services.customer_create(user=request.user, data=data)
        except (DomainError, ValidationError) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Customer created. Add contacts and statements next."))
            return redirect("customers:customer-detail", pk=customer.pk)
    return render(
        request,
        "customers/form.html",
        {"form": form, "title": _("New customer"), "cancel_url": "customers:customer-list"},
    )


def _customer_tabs(customer, user) -> list[dict]:
    """Every tab of the customer page the user may see, with its own URL (the htmx source)."""
    return [
        {
            "key": panel.key,
            "label": panel.label,
            "dom_id": panel.key.replace(".", "-"),
            "url": reverse("customers:customer-tab", args=[customer.pk, panel.key]),
        }
        for panel in customer_panels.allowed(user)
    ]


def _render_tab(request, customer, panel) -> str:
    """One tab's HTML: the panel's context, plus `customer` and `panel` (its key, label, url)."""
    context = panel.func(request, customer)
    meta = {
        "key": panel.key,
        "label": panel.label,
        "url": reverse("customers:customer-tab", args=[customer.pk, panel.key]),
    }
    if context is None:
        return render_to_string(
            "includes/empty_state.html", {"title": _("Nothing to show here.")}, request=request
        )
    return render_to_string(
        panel.template,
        {**context, "customer": customer, "panel": {**meta, **context}},
        request=request,
    )


def _log_view(request, customer, panel, *, page: bool) -> None:
    """One access-log entry per category a request shows (DOMAIN.md §8).

    The page itself shows basic information (header and profile): one "basic" entry per page
    view. A tab of another category (loans: transaction, risk: risk, timeline and service:
    behavioural) adds one entry of its category when it is rendered, with the page or loaded
    on its own; a basic tab loaded on its own adds nothing, the page view already counted.
    """
    if page:
        access_log_record(
            user=request.user,
            action=AccessLog.Action.VIEW,
            category=AccessLog.Category.BASIC,
            customer=customer,
            request=request,
            detail="customer page",
        )
    if panel.category != AccessLog.Category.BASIC:
        access_log_record(
            user=request.user,
            action=AccessLog.Action.VIEW,
            category=panel.category,
            customer=customer,
            request=request,
            detail=f"customer page, tab {panel.key}",
        )


def _customer_page(request, customer, panel):
    """The full page: header and tab list, with only `panel`'s tab rendered (the others lazy)."""
    header = {}
    for summary in customer_summaries.all():
        header.update(summary.func(request, customer) or {})
    review_due = customer_review_due_on(customer)
    _log_view(request, customer, panel, page=True)
    return render(
        request,
        "customers/customer_detail.html",
        {
            "customer": customer,
            "header": header,
            "tabs": _customer_tabs(customer, request.user),
            "active_tab": panel.key,
            "active_html": _render_tab(request, customer, panel),
            "review_due_on": review_due,
            "today": timezone.localdate(),
            "can_change": request.user.has_perm("customers.change_customer"),
            "can_reassign": _can_choose_owner(request.user),
        },
    )


@login_required
@require_GET
def customer_detail(request, pk):
    """The single view of the customer: the header and the open tab (`?tab=`, else the first).

    An unknown `?tab=` opens the first tab. The other tabs load from `customer-tab` when shown.
    """
    customer = selectors.customer_get(user=request.user, pk=pk)
    panels = customer_panels.allowed(request.user)
    wanted = customer_panels.get(request.GET.get("tab", ""))
    panel = wanted if wanted in panels else panels[0]
    return _customer_page(request, customer, panel)


@login_required
@require_GET
def customer_tab(request, pk, key):
    """One tab of the customer page: the fragment for htmx, the whole page for a plain link.

    Out-of-scope customers and unknown tabs are 404, like the page; a tab whose permission the
    user lacks is 403.
    """
    customer = selectors.customer_get(user=request.user, pk=pk)
    panel = customer_panels.get(key)
    if panel is None:
        raise Http404
    if panel.permission and not request.user.has_perm(panel.permission):
        raise PermissionDenied
    if request.headers.get("HX-Request"):
        _log_view(request, customer, panel, page=False)
        response = HttpResponse(_render_tab(request, customer, panel))
    else:
        # A bookmarked or shared tab link, or a browser without JavaScript: the whole page.
        response = _customer_page(request, customer, panel)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_http_methods(["GET", "POST"])
def customer_edit(request, pk):
    """Edit the profile; every changed field is recorded."""
    customer = selectors.customer_get(user=request.user, pk=pk)
    _require(request.user, "customers.change_customer")
    sensitive = can_view_sensitive(request.user)
    form = CustomerForm(request.POST or None, instance=customer, can_view_sensitive=sensitive)
    if request.method == "GET" and sensitive and customer.soft_information:
        # The form shows the soft information in full: that is a reveal, and is logged.
        services.customer_soft_information_unmask(
            customer=customer, user=request.user, request=request
        )
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields if f in form.fields}
        try:
            services.customer_update(customer=customer, user=request.user, data=data)
        except (DomainError, ValidationError) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("customers:customer-detail", pk=customer.pk)
    return _form_page(request, form, _("Edit %(name)s") % {"name": customer.name}, customer)


def _form_page(request, form, title, customer, *, extra=None):
    """The shared form page."""
    return render(
        request,
        "customers/form.html",
        {"form": form, "title": title, "customer": customer, **(extra or {})},
    )


def _service_form(request, customer, form, save, title, *, anchor="", success=None, extra=None):
    """POST → run `save(cleaned_data)` and go back to the customer; errors stay on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                save(form.cleaned_data)
        except (DomainError, ValidationError) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, success or _("Saved."))
            return redirect(customer_url(customer, anchor))
    return _form_page(request, form, title, customer, extra=extra)


def customer_url(customer, anchor=""):
    """The customer page, opened on a tab."""
    url = reverse("customers:customer-detail", args=[customer.pk])
    return f"{url}#{anchor}" if anchor else url


@login_required
@require_http_methods(["GET", "POST"])
def customer_classify(request, pk):
    """Change tier, segment, lifecycle or value tier, with a reason."""
    customer = selectors.customer_get(user=request.user, pk=pk)
    _require(request.user, "customers.change_customer")
    form = ClassificationForm(request.POST or None, instance=customer)

    def save(data):
        reason = data.pop("reason")
        services.customer_update(customer=customer, user=request.user, data=data, reason=reason)

    return _service_form(
        request,
        customer,
        form,
        save,
        _("Classification of %(n)s") % {"n": customer.name},
        anchor="history",
        extra={"suggestion": _suggestion(customer)},
    )


def _suggestion(customer) -> str:
    """What the rules of the current policy say, shown next to the classification form."""
    policy = SegmentationPolicy.current()
    tier = suggested_tier(
        approved_credit=customer.approved_credit,
        contribution_score=customer.contribution_score,
        policy=policy,
    )
    segment = segment_for(
        credit_grade=customer.credit_grade,
        risk_level=customer.risk_level,
        contribution_score=customer.contribution_score,
        value_tier=customer.value_tier,
        policy=policy,
    )
    text = _(
        "Rules give tier %(tier)s and segment %(segment)s; the nightly classification job "
        "re-applies them to tier, segment and value tier."
    ) % {"tier": Tier(tier).label, "segment": Segment(segment).label}
    if customer.lifecycle_stage == "prospect":
        text += " " + (
            _("Onboarding incomplete: stays a prospect.")
            if services.onboarding_blockers(customer)
            else _("Onboarding complete: may convert to new.")
        )
    return text


@login_required
@require_http_methods(["GET", "POST"])
def customer_review(request, pk):
    """Confirm the classification at its periodic review."""
    customer = selectors.customer_get(user=request.user, pk=pk)
    _require(request.user, "customers.change_customer")
    form = ReviewForm(request.POST or None)
    return _service_form(
        request,
        customer,
        form,
        lambda data: services.customer_review_classification(
            customer=customer, user=request.user, reason=data["reason"]
        ),
        _("Review classification of %(n)s") % {"n": customer.name},
        anchor="history",
    )


@login_required
@require_http_methods(["GET", "POST"])
def customer_reassign(request, pk):
    """Hand the customer to another relationship manager (team lead or admin)."""
    customer = selectors.customer_get(user=request.user, pk=pk)
    if not _can_choose_owner(request.user):
        raise PermissionDenied
    queryset = managers()
    team = getattr(request.user, "led_team", None)
    if not (request.user.is_staff or request.user.is_superuser) and team is not None:
        queryset = queryset.filter(team=team)
    form = ReassignForm(request.POST or None, queryset=queryset)
    return _service_form(
        request,
        customer,
        form,
        lambda data: services.customer_reassign(
            customer=customer,
            user=request.user,
            new_manager=data["relationship_manager"],
            reason=data["reason"],
        ),
        _("Reassign %(n)s") % {"n": customer.name},
        anchor="history",
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request, pk, contact_pk=None):
    """Add or change a contact."""
    customer = selectors.customer_get(user=request.user, pk=pk)
    contact = get_object_or_404(Contact, customer=customer, pk=contact_pk) if contact_pk else None
    _require(request.user, "customers.change_contact" if contact else "customers.add_contact")
    if contact is not None and not can_view_sensitive(request.user):
        # The form would show the full numbers; without the permission they are not edited here.
        form_kwargs = {"instance": contact}
        form = ContactForm(request.POST or None, **form_kwargs)
        del form.fields["phone"], form.fields["id_number"]
    else:
        form = ContactForm(request.POST or None, instance=contact)

    def save(data):
        if contact is None:
            services.contact_create(customer=customer, user=request.user, data=data)
        else:
            services.contact_update(contact=contact, user=request.user, data=data)

    title = _("Edit contact") if contact else _("New contact")
    return _service_form(request, customer, form, save, title, anchor="contacts")


@login_required
@require_POST
def contact_delete(request, pk, contact_pk):
    """Remove a contact."""
    customer = selectors.customer_get(user=request.user, pk=pk)
    contact = get_object_or_404(Contact, customer=customer, pk=contact_pk)
    _require(request.user, "customers.delete_contact")
    try:
        services.contact_delete(contact=contact, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Contact removed."))
    return redirect(customer_url(customer, "contacts"))


@login_required
@require_POST
def contact_reveal(request, pk, contact_pk):
    """htmx: the contact's full phone and ID number (permission needed; logged)."""
    customer = selectors.customer_get(user=request.user, pk=pk)
    contact = get_object_or_404(Contact, customer=customer, pk=contact_pk)
    if not can_view_sensitive(request.user):
        raise PermissionDenied
    values = services.contact_unmask(contact=contact, user=request.user, request=request)
    return render(request, "customers/includes/contact_numbers.html", {"values": values})


@login_required
@require_POST
def soft_information_reveal(request, pk):
    """htmx: the customer's soft information in full (permission needed; logged)."""
    customer = selectors.customer_get(user=request.user, pk=pk)
    if not can_view_sensitive(request.user):
        raise PermissionDenied
    text = services.customer_soft_information_unmask(
        customer=customer, user=request.user, request=request
    )
    return render(request, "customers/includes/soft_information.html", {"text": text})


@login_required
@require_http_methods(["GET", "POST"])
def statement_edit(request, pk, statement_pk=None):
    """Add or change one period's financial statement."""
    customer = selectors.customer_get(user=request.user, pk=pk)
    statement = (
        get_object_or_404(FinancialStatement, customer=customer, pk=statement_pk)
        if statement_pk
        else None
    )
    form = StatementForm(request.POST or None, instance=statement)
    _require(
        request.user,
        "customers.change_financialstatement" if statement else "customers.add_financialstatement",
    )
    return _service_form(
        request,
        customer,
        form,
        lambda data: services.statement_save(
            customer=customer, user=request.user, data=data, statement=statement
        ),
        _("Financial statement"),
        anchor="financials",
    )


@login_required
@require_http_methods(["GET", "POST"])
def need_edit(request, pk, need_pk=None):
    """Add or change an entry of the needs register."""
    customer = selectors.customer_get(user=request.user, pk=pk)
    need = get_object_or_404(Need, customer=customer, pk=need_pk) if need_pk else None
    _require(request.user, "customers.change_need" if need else "customers.add_need")
    form = NeedForm(request.POST or None, instance=need)
    return _service_form(
        request,
        customer,
        form,
        lambda data: services.need_save(customer=customer, user=request.user, data=data, need=need),
        _("Need"),
        anchor="needs",
    )


@login_required
@require_http_methods(["GET", "POST"])
def relation_add(request, pk):
    """Link the customer to another customer the caller can see."""
    customer = selectors.customer_get(user=request.user, pk=pk)
    _require(request.user, "customers.change_customer")
    queryset = Customer.objects.visible_to(request.user).exclude(pk=customer.pk).order_by("name")
    form = RelationForm(request.POST or None, queryset=queryset)
    return _service_form(
        request,
        customer,
        form,
        lambda data: services.relation_create(
            customer=customer,
            user=request.user,
            related=data["related"],
            kind=data["kind"],
            note=data["note"],
        ),
        _("Add related party"),
        anchor="relations",
    )


@login_required
@require_POST
def relation_delete(request, pk, relation_pk):
    """Remove a link."""
    customer = selectors.customer_get(user=request.user, pk=pk)
    # Checked here, like the other writes: the service's refusal would otherwise be a 500.
    _require(request.user, "customers.change_customer")
    relation = get_object_or_404(CustomerRelation, customer=customer, pk=relation_pk)
    services.relation_delete(relation=relation, user=request.user)
    messages.success(request, _("Relation removed."))
    return redirect(customer_url(customer, "relations"))


@login_required
@require_POST
def onboarding_record(request, pk):
    """Record the next onboarding step."""
    customer = selectors.customer_get(user=request.user, pk=pk)
    _require(request.user, "customers.change_customer")
    form = OnboardingStepForm(request.POST)
    return _service_form(
        request,
        customer,
        form,
        lambda data: services.onboarding_step_record(customer=customer, user=request.user, **data),
        _("Onboarding step"),
        anchor="onboarding",
    )


@login_required
@require_POST
def criterion_record(request, pk):
    """Assess one of the six identification criteria."""
    customer = selectors.customer_get(user=request.user, pk=pk)
    _require(request.user, "customers.change_customer")
    form = CriterionForm(request.POST)
    return _service_form(
        request,
        customer,
        form,
        lambda data: services.criterion_assess(customer=customer, user=request.user, **data),
        _("Identification criterion"),
        anchor="onboarding",
    )


@login_required
@require_http_methods(["GET", "POST"])
def customer_import(request):
    """Upload a CSV/XLSX file; either everything is imported or every problem is listed."""
    _require(request.user, "customers.import_customers")
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = None
    if request.method == "POST" and form.is_valid():
        try:
            created = customers_import(
                uploaded=form.cleaned_data["file"], user=request.user, request=request
            )
        except ImportRejected as rejected:
            errors = rejected.errors
        else:
            messages.success(request, _("%(n)s customers imported.") % {"n": created})
            return redirect("customers:customer-list")
    return render(
        request,
        "customers/import.html",
        {"form": form, "errors": errors, "columns": IMPORT_COLUMNS},
    )


@login_required
@require_GET
def import_template(request):
    """The import header with an example row, as CSV."""
    _require(request.user, "customers.import_customers")
    response = HttpResponse(import_template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="customers-import-template.csv"'
    return response


@login_required
@require_GET
def customer_export(request):
    """The caller's customers (with the list's filters) as CSV or XLSX; logged."""
    _require(request.user, "customers.export_customers")
    _filterset, queryset = selectors.customer_list(user=request.user, filters=request.GET)
    try:
        content, content_type, filename = customers_export(
            queryset=queryset,
            user=request.user,
            fmt=request.GET.get("format", "csv"),
            request=request,
        )
    except DomainError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def review_list(request):
    """Customers whose classification review is due."""
    _require(request.user, "customers.view_customer")
    queryset = selectors.customers_due_for_review(user=request.user, as_of=timezone.localdate())
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "customers/review_list.html", {"page": page})
