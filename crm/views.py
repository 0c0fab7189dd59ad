"""Pages of the shared base: the worklist shell and the health endpoint."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import htmx
from .health import health_report
from .models import User
from .registry import worklist_sections, worklist_sources
from .roles import Role, has_role
from .worklist import WorklistScope, group_by_band, rank


def team_members(user):
    """The relationship managers a team lead may narrow the worklist to (their teams')."""
    if not has_role(user, Role.TEAM_LEAD):
        return User.objects.none()
    return User.objects.filter(
        team__lead=user, is_active=True, groups__name=Role.RELATIONSHIP_MANAGER
    ).order_by("username")


def worklist_scope(request) -> WorklistScope:
    """Whose day to show: the caller's, or for a team lead one RM of their team (`?rm=<id>`).

    Another team's RM, or anything that is not an id, is 404 (the id's existence does not leak);
    `?rm=` means nothing to users who are not team leads and is ignored.
    """
    now = timezone.now()
    scope = {"user": request.user, "today": timezone.localdate(now), "now": now}
    if not has_role(request.user, Role.TEAM_LEAD):
        return WorklistScope(**scope)
    chosen = request.GET.get("rm", "")
    if not chosen:
        return WorklistScope(**scope, show_owner=True)
    if not chosen.isdigit():
        raise Http404
    member = team_members(request.user).filter(pk=int(chosen)).first()
    if member is None:
        raise Http404
    return WorklistScope(**scope, relationship_manager=member)


@login_required
def worklist(request):
    """The caller's day ranked by urgency (crm/worklist.py), then the apps' panels.

    htmx asks for the ranked list alone after an inline action (`worklist:changed`).
    """
    scope = worklist_scope(request)
    items, sources = [], []
    for source in worklist_sources.all():
        result = source.func(scope)
        if result is None or not result.items:
            continue
        items.extend(result.items)
        sources.append(
            {
                "key": source.key,
                "label": source.label,
                "count": len(result.items),
                "more": result.more,
                "more_url": result.more_url,
            }
        )
    chosen = scope.relationship_manager
    back = request.path + (f"?rm={chosen.pk}" if chosen else "")  # where inline forms return
    context = {
        "bands": group_by_band(rank(items)),
        "back": back,
        "sources": sources,
        "total": len(items),
        "scope": scope,
    }
    if htmx.is_htmx(request) and request.GET.get("part") == "list":
        return render(request, "crm/includes/worklist_list.html", context)
    sections = []
    for section in worklist_sections.all():
        section_context = section.func(request, scope)
        if section_context:
            sections.append(
                {
                    "key": section.key,
                    "label": section.label,
                    "template": section.template,
                    **section_context,
                }
            )
    context["sections"] = sections
    context["panels_follow"] = bool(sections)
    context["team"] = list(team_members(request.user))
    return render(request, "crm/worklist.html", context)


@never_cache
@require_GET
def healthz(request):
    """`/healthz`: 200 with each component's status, 503 when the database is down."""
    report, usable = health_report()
    return JsonResponse(report, status=200 if usable else 503)
