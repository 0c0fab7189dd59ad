"""Browser pages of the interactions app: thin views over the selectors and services."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crm import htmx
from crm.exceptions import DomainError
from crm.tables import valid_sort
from customers.models import Customer

from . import selectors, services
from .choices import SurveyDimension
from .filters import (
    InteractionFilter,
    ServiceRequestFilter,
    SurveyResponseFilter,
    TaskFilter,
    VisitPlanFilter,
)
from .forms import (
    AdvanceForm,
    ContactOverrideForm,
    InteractionForm,
    ProgressForm,
    ServiceRequestForm,
    SurveyResponseForm,
    VisitPlanForm,
    bootstrapify,
)
from .models import (
    ContactIntervalOverride,
    Interaction,
    ServiceRequest,
    SurveyResponse,
    VisitPlan,
)
from .panels import timeline_context
from .permissions import model_perm

PAGE_SIZE = 25


def _require(user, model, verb):
    """403 when the user's role lacks the model permission."""
    if not user.has_perm(model_perm(model, verb)):
        raise PermissionDenied


def _filter(filterset_class, data, *, queryset, request):
    # An unknown sort key falls back to the list's default order (crm/tables.py).
    filterset = filterset_class(
        valid_sort(data, filterset_class), queryset=queryset, request=request
    )
    bootstrapify(filterset.form)
    return filterset


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _querystring_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _redirect_next(request, default):
    """Back to the page the form came from (`next`, same host only), else to `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(default)


def _form_errors_text(form) -> str:
    """A form's errors as one line of text: "Summary: This field is required." """
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.extend(f"{label}: {error}" if label else str(error) for error in errors)
    return " ".join(parts)


def _apply_domain_error(form, exc: DomainError):
    if exc.field and exc.field in form.fields:
        form.add_error(exc.field, exc.message)
    else:
        form.add_error(None, exc.message)


@login_required
def interaction_list(request):
    """Contact history with filters, and the quick-entry form (POST creates)."""
    _require(request.user, Interaction, "view")
    can_add = request.user.has_perm(model_perm(Interaction, "add"))
    form = None
    if request.method == "POST":
        _require(request.user, Interaction, "add")
        form = InteractionForm(request.POST, user=request.user)
        inline = htmx.is_htmx(request)  # the worklist's quick form
        if form.is_valid():
            try:
                interaction = services.interaction_create(user=request.user, **form.cleaned_data)
            except DomainError as exc:
                _apply_domain_error(form, exc)
            else:
                if inline:
                    return htmx.changed()
                messages.success(request, _("Contact logged."))
                if interaction.follow_up_task_id:
                    messages.info(request, _("The next action is on the worklist."))
                if selectors.too_frequent_contact(interaction.customer, at=interaction.occurred_at):
                    messages.warning(
                        request,
                        _(
                            "This customer has been contacted often lately: contact should be "
                            "continuous but not excessive."
                        ),
                    )
                return _redirect_next(request, "interactions:interaction-list")
        if inline:
            return htmx.refused(_form_errors_text(form))
    elif can_add:
        initial = {
            name: request.GET[name] for name in ("customer", "visit_plan") if request.GET.get(name)
        }
        if "visit_plan" in initial:
            initial["channel"] = "onsite_visit"
            # Whoever the plan expected is ticked already; the RM unticks who did not come.
            initial["contacts"] = selectors.visit_plan_contact_ids(
                user=request.user, visit_plan_id=initial["visit_plan"]
            )
        form = InteractionForm(user=request.user, initial=initial)
    filterset = _filter(
        InteractionFilter,
        request.GET,
        queryset=selectors.interaction_list(user=request.user),
        request=request,
    )
    return render(
        request,
        "interactions/interaction_list.html",
        {
            "filter": filterset,
            "page_obj": _page(request, filterset.qs),
            "form": form,
            "querystring": _querystring_without_page(request),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_GET
def contact_choices(request):
    """The contacts field for the customer just picked in a form (htmx; `?customer=`)."""
    if not (
        request.user.has_perm(model_perm(Interaction, "add"))
        or request.user.has_perm(model_perm(VisitPlan, "add"))
    ):
        raise PermissionDenied
    # Another user's customer simply has no choices: participant_choices is scoped.
    form = InteractionForm(user=request.user, initial={"customer": request.GET.get("customer")})
    return render(request, "interactions/includes/field.html", {"field": form["contacts"]})


@login_required
def visit_plan_list(request):
    """Planned and missed visits of the caller's customers, and the form to plan one."""
    _require(request.user, VisitPlan, "view")
    can_add = request.user.has_perm(model_perm(VisitPlan, "add"))
    form = None
    if request.method == "POST":
        _require(request.user, VisitPlan, "add")
        form = VisitPlanForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.visit_plan_create(user=request.user, **form.cleaned_data)
            except DomainError as exc:
                _apply_domain_error(form, exc)
            else:
                messages.success(request, _("Visit planned."))
                return redirect("interactions:visit-plan-list")
    elif can_add:
        form = VisitPlanForm(user=request.user)
    params = request.GET.copy()
    filterset = _filter(
        VisitPlanFilter,
        params,
        queryset=selectors.visit_plan_list(user=request.user),
        request=request,
    )
    return render(
        request,
        "interactions/visit_plan_list.html",
        {
            "filter": filterset,
            "page_obj": _page(request, filterset.qs),
            "form": form,
            "today": timezone.localdate(),
            "querystring": _querystring_without_page(request),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def interaction_detail(request, pk):
    """One logged contact."""
    _require(request.user, Interaction, "view")
    interaction = get_object_or_404(selectors.interaction_list(user=request.user), pk=pk)
    return render(request, "interactions/interaction_detail.html", {"interaction": interaction})


@login_required
def customer_timeline(request, customer_id):
    """A customer's merged timeline, its contact clock, and (for leads) its own interval."""
    customers = Customer.objects.visible_to(request.user)
    customer = get_object_or_404(customers, pk=customer_id)
    can_override = request.user.has_perm(model_perm(ContactIntervalOverride, "change"))
    override_form = ContactOverrideForm()
    status = 200
    if request.method == "POST":
        if not can_override:
            raise PermissionDenied
        override_form = ContactOverrideForm(request.POST)
        if override_form.is_valid():
            days = override_form.cleaned_data["interval_days"]
            try:
                if days is None:
                    services.contact_override_remove(customer=customer, user=request.user)
                else:
                    services.contact_override_set(
                        customer=customer,
                        user=request.user,
                        interval_days=days,
                        reason=override_form.cleaned_data["reason"],
                    )
            except DomainError as exc:
                _apply_domain_error(override_form, exc)
            else:
                messages.success(request, _("Contact interval saved."))
                return redirect("interactions:customer-timeline", customer_id=customer.pk)
        status = 400
    contact = selectors.contact_statuses(
        customers.filter(pk=customer.pk), as_of=timezone.localdate()
    )
    context = timeline_context(request, customer)
    context.update(
        {
            "contact": contact[0] if contact else None,
            "today": timezone.localdate(),
            "can_override": can_override,
            "override_form": override_form,
            "hide_log_button": False,
        }
    )
    return render(request, "interactions/customer_timeline.html", context, status=status)


@login_required
def task_list(request):
    """The caller's follow-ups (a lead: their team's), open first by due date."""
    params = request.GET.copy()
    if "status" not in params:
        params["status"] = "open"
    tasks = selectors.task_list(user=request.user)
    if params.get("scope") != "team":
        tasks = tasks.filter(owner=request.user)
    filterset = _filter(TaskFilter, params, queryset=tasks, request=request)
    return render(
        request,
        "interactions/task_list.html",
        {
            "filter": filterset,
            "page_obj": _page(request, filterset.qs),
            "today": timezone.localdate(),
            "querystring": _querystring_without_page(request),
        },
    )


@login_required
@require_POST
def task_complete(request, pk):
    """Mark a follow-up done."""
    task = get_object_or_404(selectors.task_list(user=request.user), pk=pk)
    inline = htmx.is_htmx(request)  # from the worklist: answer the row, not a page
    try:
        services.task_complete(task=task, user=request.user)
    except DomainError as exc:
        if inline:
            return htmx.refused(exc.message, status=exc.status_code)
        messages.error(request, exc.message)
    else:
        if inline:
            return htmx.changed()
        messages.success(request, _("Task done."))
    return _redirect_next(request, "interactions:task-list")


@login_required
def service_request_list(request):
    """The service-request queue with its SLA clocks, open and most urgent first."""
    _require(request.user, ServiceRequest, "view")
    params = request.GET.copy()
    if "is_open" not in params:
        params["is_open"] = "true"
    queryset = selectors.service_request_list(user=request.user).order_by(*selectors.QUEUE_ORDER)
    filterset = _filter(ServiceRequestFilter, params, queryset=queryset, request=request)
    return render(
        request,
        "interactions/service_request_list.html",
        {
            "filter": filterset,
            "page_obj": _page(request, filterset.qs),
            "now": timezone.now(),
            "soon": timezone.now() + timedelta(hours=12),
            "querystring": _querystring_without_page(request),
            "can_add": request.user.has_perm(model_perm(ServiceRequest, "add")),
        },
    )


@login_required
def service_request_create(request):
    """Receive a request (often logged after the phone call, hence `received_at`)."""
    _require(request.user, ServiceRequest, "add")
    form = ServiceRequestForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            service_request = services.service_request_create(
                user=request.user, **form.cleaned_data
            )
        except DomainError as exc:
            _apply_domain_error(form, exc)
        else:
            messages.success(request, _("Request received."))
            return redirect("interactions:service-request-detail", pk=service_request.pk)
    return render(
        request,
        "interactions/service_request_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def service_request_detail(request, pk):
    """One request: its clocks, its steps, and the forms to move it forward."""
    _require(request.user, ServiceRequest, "view")
    service_request = get_object_or_404(selectors.service_request_list(user=request.user), pk=pk)
    can_change = request.user.has_perm(model_perm(ServiceRequest, "change"))
    advance_form = AdvanceForm(prefix="advance")
    progress_form = ProgressForm(prefix="progress")
    status = 200
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if "advance-to_status" in request.POST:
            advance_form = AdvanceForm(request.POST, prefix="advance")
            if advance_form.is_valid():
                try:
                    services.service_request_advance(
                        request=service_request,
                        user=request.user,
                        **advance_form.service_kwargs(),
                    )
                except DomainError as exc:
                    _apply_domain_error(advance_form, exc)
                else:
                    messages.success(request, _("Request updated."))
                    return redirect("interactions:service-request-detail", pk=pk)
        else:
            progress_form = ProgressForm(request.POST, prefix="progress")
            if progress_form.is_valid():
                try:
                    services.service_request_log_progress(
                        request=service_request,
                        user=request.user,
                        note=progress_form.cleaned_data["note"],
                    )
                except DomainError as exc:
                    _apply_domain_error(progress_form, exc)
                else:
                    messages.success(request, _("Progress logged."))
                    return redirect("interactions:service-request-detail", pk=pk)
        status = 400
    return render(
        request,
        "interactions/service_request_detail.html",
        {
            "object": service_request,
            "events": service_request.events.select_related("actor"),
            "advance_form": advance_form,
            "progress_form": progress_form,
            "can_change": can_change,
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
def survey_results(request):
    """NPS and CSAT of the caller's customers, overall and by RM, team, segment or month."""
    _require(request.user, SurveyResponse, "view")
    filterset = _filter(
        SurveyResponseFilter,
        request.GET,
        queryset=SurveyResponse.objects.visible_to(request.user),
        request=request,
    )
    by = request.GET.get("by") if request.GET.get("by") in selectors.BREAKDOWNS else "month"
    responses = filterset.qs if filterset.is_valid() else SurveyResponse.objects.none()
    summary = selectors.survey_summary(responses)
    labels = dict(SurveyDimension.choices)
    dimensions = sorted(
        ({"code": c, "label": labels[c], "mean": m} for c, m in summary["csat"].items()),
        key=lambda d: d["mean"],
        reverse=True,
    )
    breakdown = selectors.survey_breakdown(responses, by=by)
    coverage = selectors.survey_coverage(responses, Customer.objects.visible_to(request.user))
    chart = {
        "labels": [str(d["label"]) for d in dimensions],
        "means": [float(d["mean"]) for d in dimensions],
    }
    return render(
        request,
        "interactions/survey_results.html",
        {
            "filter": filterset,
            "summary": summary,
            "dimensions": dimensions,
            "breakdown": breakdown,
            "coverage": coverage,
            "by": by,
            "breakdowns": selectors.BREAKDOWNS,
            "chart": chart,
            "recent": selectors.survey_response_list(user=request.user)[:10],
            "can_add": request.user.has_perm(model_perm(SurveyResponse, "add")),
        },
    )


@login_required
def survey_create(request):
    """Enter a survey answered on paper or by interview."""
    _require(request.user, SurveyResponse, "add")
    form = SurveyResponseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_response_create(user=request.user, **form.service_kwargs())
        except DomainError as exc:
            _apply_domain_error(form, exc)
        else:
            messages.success(request, _("Survey response saved."))
            return redirect("interactions:survey-results")
    return render(
        request,
        "interactions/survey_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
