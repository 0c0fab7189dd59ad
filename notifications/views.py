"""Pages: the notification centre, the bell's badge (htmx) and the ops page of job runs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crm.exceptions import DomainError
from crm.jobs import registered_jobs

from . import selectors, services
from .choices import NotificationKind
from .filters import NotificationFilter
from .models import Notification

PAGE_SIZE = 25
# The whitelist of `?sort=` values (the column headers link to them); anything else sorts by
# the default, newest first.
SORTS = {
    "-created_at": ("-created_at", "-id"),
    "created_at": ("created_at", "id"),
    "kind": ("kind", "-created_at", "-id"),
    "-kind": ("-kind", "-created_at", "-id"),
    "customer": ("customer__name", "-created_at", "-id"),
    "-customer": ("-customer__name", "-created_at", "-id"),
}


@login_required
@require_GET
def notification_list(request):
    """The notification centre: the caller's notifications with filters, sort and pages."""
    queryset = Notification.objects.visible_to(request.user).select_related("customer")
    filterset = NotificationFilter(request.GET or None, queryset=queryset)
    sort = request.GET.get("sort", "-created_at")
    ordering = SORTS.get(sort, SORTS["-created_at"])
    page = Paginator(filterset.qs.order_by(*ordering), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "notifications/notification_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "sort": sort if sort in SORTS else "-created_at",
            "query": query.urlencode(),
            "overdue_kind": NotificationKind.REPAYMENT_OVERDUE,
        },
    )


def _back(request):
    target = request.POST.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else "/notifications/"


def _row_or_redirect(request, notification):
    if request.headers.get("HX-Request"):
        return render(
            request,
            "notifications/includes/notification_row.html",
            {"notification": notification, "overdue_kind": NotificationKind.REPAYMENT_OVERDUE},
        )
    return redirect(_back(request))


@login_required
@require_POST
def notification_mark_read(request, pk):
    """Mark one notification read (htmx swaps the row; without JS, back to the list)."""
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    notification = services.notification_mark_read(notification=notification, user=request.user)
    return _row_or_redirect(request, notification)


@login_required
@require_POST
def notification_acknowledge(request, pk):
    """Acknowledge an overdue-repayment reminder so that it stops escalating."""
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    try:
        notification = services.notification_acknowledge(
            notification=notification, user=request.user
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_back(request))
    return _row_or_redirect(request, notification)


@login_required
@require_POST
def notification_mark_all_read(request):
    """Mark every notification of the caller read."""
    marked = services.notifications_mark_all_read(user=request.user)
    messages.success(request, _("%(count)d notifications marked read.") % {"count": marked})
    return redirect(_back(request))


@login_required
@require_GET
def bell(request):
    """The bell with its unread badge (htmx loads it after the page, then every minute)."""
    return render(
        request,
        "notifications/includes/bell.html",
        {"bell_count": selectors.unread_count(user=request.user)},
    )


@login_required
@require_GET
def ops(request):
    """Recent daily-job runs with their batches (staff)."""
    if not request.user.is_staff:
        raise PermissionDenied
    job = request.GET.get("job") or None
    page = Paginator(selectors.job_run_list(job=job), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/ops.html",
        {
            "page_obj": page,
            "job": job or "",
            "jobs": [registered.name for registered in registered_jobs()],
            "query": f"job={job}" if job else "",
        },
    )
