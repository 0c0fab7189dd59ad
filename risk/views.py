"""Pages of the risk app: the alert queue and alert page, manual alerts, macro / policy events,
the watch list. Reads through selectors, writes through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from crm import htmx
from crm.exceptions import DomainError
from crm.tables import valid_sort
from customers.models import Customer

from . import permissions, selectors, services
from .filters import AlertFilter, WatchListFilter
from .forms import (
    AssignForm,
    BulkForm,
    CommentForm,
    DismissForm,
    ManualAlertForm,
    NoteForm,
    PostLoanCheckForm,
    ResolveForm,
    RiskEventForm,
    WatchListAddForm,
    WatchListRemoveForm,
    WatchListReviewForm,
)
from .models import RiskEvent

PAGE_SIZE = 50


def _back(request, default):
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return redirect(default)


@login_required
def alert_list(request):
    """The alert queue: filters, sorting, SLA colouring, bulk acknowledge and assign."""
    data = valid_sort(request.GET, AlertFilter)
    if not any(data.get(k) for k in ("status", "active")):
        # The queue shows what is still being worked unless a status is asked for.
        data["active"] = "true"
    filterset = selectors.alert_list(user=request.user, filters=data, request=request)
    alerts = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    query = data.copy()
    query.pop("page", None)
    return render(
        request,
        "risk/alert_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "bulk_form": BulkForm(),
            "can_assign": permissions.can_assign(request.user),
            "can_work": permissions.can_work_alert(request.user),
            "can_raise": permissions.can_raise(request.user),
        },
    )


@login_required
@require_POST
def alert_bulk(request):
    """Acknowledge or assign the ticked alerts (only those the user can see)."""
    form = BulkForm(request.POST)
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    if not form.is_valid() or not ids:
        messages.error(request, _("Tick at least one alert and choose an action (and assignee)."))
        return _back(request, "risk:alert-list")
    alerts = selectors.alert_queryset(user=request.user).filter(pk__in=ids)
    try:
        outcome = services.alerts_bulk(
            alerts=list(alerts),
            user=request.user,
            action=form.cleaned_data["action"],
            assignee=form.cleaned_data["assignee"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(done)s alert(s) updated, %(skipped)s skipped.")
            % {"done": outcome["done"], "skipped": outcome["skipped"]},
        )
    return _back(request, "risk:alert-list")


@login_required
def alert_detail(request, pk):
    """One alert: the facts, the customer, the history and the comments, with its actions."""
    alert = selectors.alert_get(user=request.user, pk=pk)
    return render(
        request,
        "risk/alert_detail.html",
        {
            "alert": alert,
            "note_form": NoteForm(),
            "resolve_form": ResolveForm(),
            "dismiss_form": DismissForm(),
            "assign_form": AssignForm(initial={"assignee": alert.assignee_id}),
            "comment_form": CommentForm(),
            "can_work": permissions.can_work_alert(request.user),
            "can_dismiss": permissions.can_dismiss(request.user),
            "can_assign": permissions.can_assign(request.user),
            "can_comment": permissions.can_comment(request.user),
        },
    )


ACTIONS = {
    "acknowledge": (NoteForm, lambda a, u, d: services.alert_acknowledge(alert=a, user=u, **d)),
    "escalate": (NoteForm, lambda a, u, d: services.alert_escalate(alert=a, user=u, **d)),
    "resolve": (ResolveForm, lambda a, u, d: services.alert_resolve(alert=a, user=u, **d)),
    "dismiss": (DismissForm, lambda a, u, d: services.alert_dismiss(alert=a, user=u, **d)),
    "assign": (AssignForm, lambda a, u, d: services.alert_assign(alert=a, user=u, **d)),
    "comment": (CommentForm, lambda a, u, d: services.alert_comment_add(alert=a, user=u, **d)),
}


@login_required
@require_POST
def alert_action(request, pk, action):
    """Run one action on an alert; refusals and bad input come back as a message."""
    if action not in ACTIONS:
        raise Http404
    alert = selectors.alert_get(user=request.user, pk=pk)
    form_class, run = ACTIONS[action]
    form = form_class(request.POST)
    inline = htmx.is_htmx(request)  # from the worklist: answer the row, not a page
    if not form.is_valid():
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        if inline:
            return htmx.refused(" ".join(errors))
        for error in errors:
            messages.error(request, error)
        return _back(request, alert_url(alert))
    try:
        run(alert, request.user, form.cleaned_data)
    except DomainError as exc:
        if inline:
            return htmx.refused(exc.message, status=exc.status_code)
        if exc.status_code == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        if inline:
            return htmx.changed()
        messages.success(request, _("Done."))
    return _back(request, alert_url(alert))


def alert_url(alert):
    return reverse("risk:alert-detail", args=[alert.pk])


def _visible_customers(user):
    return Customer.objects.visible_to(user)


@login_required
def alert_create(request):
    """A risk officer raises an alert by hand."""
    if not permissions.can_raise(request.user):
        raise PermissionDenied
    customers = _visible_customers(request.user)
    form = ManualAlertForm(
        request.POST or None,
        customers=customers,
        initial={"customer": request.GET.get("customer", "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        alert = services.alert_raise_manual(
            user=request.user,
            customer=data["customer"],
            category=data["category"],
            severity=data["severity"],
            message=data["message"],
            details={"facts": data["facts"]} if data["facts"] else {},
        )
        messages.success(request, _("Alert raised."))
        return redirect(alert_url(alert))
    return render(request, "risk/alert_form.html", {"form": form})


@login_required
def event_list(request):
    """Macro and policy events, and recording a new one (risk officers)."""
    can_raise = permissions.can_raise(request.user)
    form = RiskEventForm(request.POST or None)
    if request.method == "POST":
        if not can_raise:
            raise PermissionDenied
        if form.is_valid():
            try:
                event = services.risk_event_record(user=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(
                    request,
                    _("Event recorded; %(n)s customer(s) alerted.") % {"n": event.alerts_raised},
                )
                return redirect("risk:event-list")
    events = RiskEvent.objects.select_related("recorded_by").prefetch_related("industries")
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "risk/event_list.html", {"page": page, "form": form, "can_raise": can_raise}
    )


@login_required
def watch_list(request):
    """Customers under closer monitoring, review dates first."""
    filterset = WatchListFilter(request.GET, queryset=selectors.watch_list(user=request.user))
    entries = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    can_manage = permissions.can_manage_watch_list(request.user)
    form = WatchListAddForm(
        request.POST or None,
        customers=_visible_customers(request.user),
        initial={"customer": request.GET.get("customer", "")},
    )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.watchlist_add(user=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Added to the watch list."))
                return redirect("risk:watch-list")
    return render(
        request,
        "risk/watch_list.html",
        {
            "filter": filterset,
            "page": page,
            "form": form,
            "can_manage": can_manage,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def watch_list_entry_action(request, pk, action):
    """Review a watch-listed customer or take them off the list."""
    if action not in ("review", "remove"):
        raise Http404
    entry = get_object_or_404(selectors.watch_list(user=request.user), pk=pk)
    form = (WatchListReviewForm if action == "review" else WatchListRemoveForm)(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the conclusion or reason."))
        return redirect("risk:watch-list")
    try:
        if action == "review":
            services.watchlist_review(
                entry=entry, user=request.user, conclusion=form.cleaned_data["conclusion"]
            )
        else:
            services.watchlist_remove(
                entry=entry, user=request.user, reason=form.cleaned_data["reason"]
            )
    except DomainError as exc:
        if exc.status_code == 403:
            raise PermissionDenied(exc.message) from exc
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("risk:watch-list")


@login_required
def post_loan_checks(request):
    """Loans by next post-loan check date (late first), recent checks, and recording one."""
    from loans.models import Loan

    today = timezone.localdate()
    can_record = permissions.can_work_alert(request.user)
    form = PostLoanCheckForm(
        request.POST or None,
        loans=Loan.objects.visible_to(request.user).active(),
        initial={"loan": request.GET.get("loan", ""), "checked_on": today},
    )
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        if form.is_valid():
            try:
                check = services.post_loan_check_record(user=request.user, **form.cleaned_data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(
                    request,
                    _("Check recorded; next check on %(d)s.") % {"d": check.next_check_on},
                )
                if not check.purpose_compliant:
                    messages.warning(request, _("A red alert was raised for the misuse of funds."))
                return redirect("risk:post-loan-checks")
    due = Paginator(selectors.post_loan_checks_due(user=request.user, as_of=today), PAGE_SIZE)
    return render(
        request,
        "risk/post_loan_checks.html",
        {
            "page": due.get_page(request.GET.get("page")),
            "recent": selectors.post_loan_checks(user=request.user)[:20],
            "form": form,
            "can_record": can_record,
            "today": today,
        },
    )
