"""The dashboards page and each chart's CSV download."""

import csv
import io
from datetime import date
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from crm.models import AccessLog
from crm.services import access_log_record
from customers.spreadsheets import _safe as formula_safe

from .cache import scope_key
from .charts import CHARTS_BY_KEY, charts_for
from .forms import DashboardFilterForm

# The information category (DOMAIN.md §2) of what each app's charts summarise.
CATEGORY_BY_APP = {
    "loans": AccessLog.Category.TRANSACTION,
    "risk": AccessLog.Category.RISK,
    "interactions": AccessLog.Category.BEHAVIOURAL,
    "customers": AccessLog.Category.BASIC,
}
SECTIONS = (
    ("loans", ("balance-industry", "balance-region", "balance-product", "classification", "dpd")),
    ("risk", ("grades", "grade-migration", "alerts", "alert-outcomes")),
    ("approvals", ("approvals",)),
    ("service", ("surveys", "service-sla")),
    ("people", ("contact-cadence", "profile-completeness")),
)


@login_required
@require_GET
def dashboard(request):
    """Every chart the user's role may see, over their scope, with the chosen filters."""
    form = DashboardFilterForm(request.GET or None, user=request.user)
    filters = form.filters()
    allowed = {chart.key: chart for chart in charts_for(request.user)}
    memo: dict = {}
    panels = {}
    for chart in allowed.values():
        panels[chart.key] = (chart, chart.figure(user=request.user, filters=filters, memo=memo))
    sections = [(name, [panels[key] for key in keys if key in panels]) for name, keys in SECTIONS]
    chart_data = {key: figure.chart for key, (_chart, figure) in panels.items() if not figure.empty}
    query = request.GET.urlencode()
    return render(
        request,
        "dashboard/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "sections": [(name, items) for name, items in sections if items],
            "chart_data": chart_data,
            "query": query,
        },
    )


def _csv_value(value, kind):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}" if kind == "money" else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return formula_safe(value)
    return value


@login_required
@require_GET
def chart_csv(request, key):
    """One chart's table as CSV (same numbers as the page); every download is logged."""
    chart = CHARTS_BY_KEY.get(key)
    if chart is None:
        raise Http404
    if not request.user.has_perm(chart.permission):
        raise PermissionDenied
    form = DashboardFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        messages = [f"{name}: {' '.join(errors)}" for name, errors in form.errors.items()]
        return HttpResponse(
            "\n".join(messages), status=400, content_type="text/plain; charset=utf-8"
        )
    filters = form.filters()
    figure = chart.figure(user=request.user, filters=filters)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([formula_safe(label) for label, _kind in figure.columns])
    for row in figure.rows:
        writer.writerow(
            [
                _csv_value(value, kind)
                for value, (_label, kind) in zip(row, figure.columns, strict=True)
            ]
        )
    if figure.summary:
        writer.writerow([])
        for label, value, kind in figure.summary:
            writer.writerow([formula_safe(label), _csv_value(value, kind)])
    access_log_record(
        user=request.user,
        action=AccessLog.Action.EXPORT,
        category=CATEGORY_BY_APP[chart.permission.split(".")[0]],
        request=request,
        detail=(
            f"dashboard {chart.key} as csv, {len(figure.rows)} rows, "
            f"scope {scope_key(request.user)}, {filters.cache_key()}"
        ),
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    # BOM: Excel opens UTF-8 CSV with Chinese labels correctly only with it.
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="dashboard-{chart.key}-{stamp}.csv"'
    return response
