"""Pages of the shared base: the worklist shell and the health endpoint."""

from base64 import b32encode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import htmx
from .health import health_report
from .models import User
from .registry import worklist_sections, worklist_sources
from .roles import Role, has_role
from .two_factor import DisableForm, EnrolForm, confirmed_devices, verify_code
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


# Rows of the ranked list rendered at first; "Show all" renders the rest.
WORKLIST_FIRST_PAGE = 50


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
    show_all = request.GET.get("all") == "1"
    query = {**({"rm": chosen.pk} if chosen else {}), **({"all": 1} if show_all else {})}
    back = request.path + (f"?{urlencode(query)}" if query else "")  # where inline forms return
    ranked = rank(items)
    # The most urgent first page; the rest on request (a busy RM has 150 rows due).
    shown = ranked if show_all else ranked[:WORKLIST_FIRST_PAGE]
    context = {
        "bands": group_by_band(shown),
        "back": back,
        "sources": sources,
        "total": len(items),
        "hidden": len(ranked) - len(shown),
        "show_all": show_all,
        "all_query": urlencode({**query, "all": 1}),
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


def _safe_next(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _qr_svg(url: str) -> str:
    """The enrolment URL as an inline SVG QR code, drawn on the server (no script, no CDN)."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=4, dark="#000", light="#fff")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request):
    """Enrol a TOTP authenticator (QR code + first code), or see that one is enrolled."""
    user = request.user
    device = confirmed_devices(user).first()
    if device is not None:
        return render(
            request,
            "registration/two_factor.html",
            {
                "device": device,
                "form": DisableForm(),
                "may_disable": not (settings.OTP_REQUIRED_FOR_STAFF and user.is_staff),
            },
        )
    # One pending device per user; its key stays the same until the first code confirms it.
    pending = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if pending is None:
        pending = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = EnrolForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if pending.verify_token(form.cleaned_data["otp_token"]):
            pending.confirmed = True
            pending.save(update_fields=["confirmed"])
            otp_login(request, pending)
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(_safe_next(request, "two-factor"))
        form.add_error("otp_token", _("The code is wrong or expired. Try the current code."))
    secret = b32encode(pending.bin_key).decode()
    return render(
        request,
        "registration/two_factor.html",
        {
            "form": form,
            "qr_svg": mark_safe(_qr_svg(pending.config_url)),  # noqa: S308 - our own SVG markup
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "next": _safe_next(request, ""),
            "required": settings.OTP_REQUIRED_FOR_STAFF and user.is_staff,
        },
    )


@login_required
@require_POST
def two_factor_disable(request):
    """Turn the second factor off with a current code (not while it is required for staff)."""
    user = request.user
    if settings.OTP_REQUIRED_FOR_STAFF and user.is_staff:
        messages.error(request, _("Two-factor authentication is required for staff."))
        return redirect("two-factor")
    form = DisableForm(request.POST)
    if form.is_valid() and verify_code(user, form.cleaned_data["otp_token"]) is not None:
        TOTPDevice.objects.filter(user=user).delete()
        messages.success(request, _("Two-factor authentication is off."))
    else:
        messages.error(request, _("The code is wrong or expired; nothing was changed."))
    return redirect("two-factor")
