"""Pages of the shared base: the worklist shell and the health endpoint."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import health_report
from .registry import worklist_sections


@login_required
def worklist(request):
    """The caller's day, ranked by urgency; the domain apps add their sections."""
    sections = []
    for section in worklist_sections.all():
        context = section.func(request)
        if context:
            sections.append(
                {
                    "key": section.key,
                    "label": section.label,
                    "template": section.template,
                    **context,
                }
            )
    return render(request, "crm/worklist.html", {"sections": sections})


@never_cache
@require_GET
def healthz(request):
    """`/healthz`: 200 with each component's status, 503 when the database is down."""
    report, usable = health_report()
    return JsonResponse(report, status=200 if usable else 503)
