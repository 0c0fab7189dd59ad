"""Pages of the audit app: a customer's change history and the compliance access-log search."""

import csv
import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from crm.models import AccessLog
from crm.services import access_log_record
from customers.selectors import customer_get

from .filters import AccessLogFilter
from .selectors import customer_events, history_entries

HISTORY_PAGE_SIZE = 50
ACCESS_LOG_PAGE_SIZE = 50
# A CSV export is for an investigation, not a data dump: narrow the filters beyond this.
ACCESS_LOG_EXPORT_LIMIT = 50_000

AUDIT_PERMISSION = "crm.view_audit"
ACCESS_LOG_PERMISSION = "crm.view_accesslog"


@login_required
@require_GET
def customer_history(request, pk):
    """Every change to the customer and its rows: who, when, field: old → new (paginated).

    403 without `crm.view_audit` (checked first, so the URL reveals nothing about which
    customers exist); 404 for a customer outside the caller's scope.
    """
    if not request.user.has_perm(AUDIT_PERMISSION):
        raise PermissionDenied
    customer = customer_get(user=request.user, pk=pk)
    page = Paginator(customer_events(customer=customer), HISTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"customer": customer, "page": page, "entries": history_entries(page.object_list)}
    if request.headers.get("HX-Request"):
        return render(request, "audit/includes/history_entries.html", context)
    return render(request, "audit/customer_history.html", context)


def _require_access_log_permission(request):
    if not request.user.has_perm(ACCESS_LOG_PERMISSION):
        raise PermissionDenied


def _access_log_filterset(request) -> AccessLogFilter:
    return AccessLogFilter(
        request.GET,
        queryset=AccessLog.objects.select_related("user", "customer").order_by("-at", "-id"),
    )


@login_required
@require_GET
def access_log_search(request):
    """`/compliance/access-log/`: search the data-access log (crm.view_accesslog)."""
    _require_access_log_permission(request)
    filterset = _access_log_filterset(request)
    queryset = filterset.qs if filterset.is_valid() else AccessLog.objects.none()
    page = Paginator(queryset, ACCESS_LOG_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/access_log.html",
        {"filterset": filterset, "page": page, "query": query.urlencode()},
    )


def _cell(value: str) -> str:
    """Neutralise spreadsheet formulas (a failed login's user name is the caller's text)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


CSV_COLUMNS = ("at", "user", "ip", "action", "category", "customer", "customer_ids", "detail")


@login_required
@require_GET
def access_log_export(request):
    """The search's rows as CSV; the export itself is a logged access."""
    _require_access_log_permission(request)
    filterset = _access_log_filterset(request)
    if not filterset.is_valid():
        return HttpResponse(
            "; ".join(f"{k}: {' '.join(v)}" for k, v in filterset.errors.items()),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    rows = list(filterset.qs[: ACCESS_LOG_EXPORT_LIMIT + 1])
    if len(rows) > ACCESS_LOG_EXPORT_LIMIT:
        return HttpResponse(
            f"More than {ACCESS_LOG_EXPORT_LIMIT} entries: narrow the filters.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for entry in rows:
        writer.writerow(
            _cell(value)
            for value in [
                timezone.localtime(entry.at).isoformat(),
                entry.user.username if entry.user else "",
                entry.ip or "",
                entry.action,
                entry.category,
                entry.customer.uscc if entry.customer else "",
                " ".join(str(pk) for pk in entry.customer_ids),
                entry.detail,
            ]
        )
    query = request.GET.urlencode()
    access_log_record(
        user=request.user,
        action=AccessLog.Action.EXPORT,
        request=request,
        detail=f"access log export: {len(rows)} entries; filters: {query or '(none)'}"[:4000],
    )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="access-log-{stamp}.csv"'
    return response
