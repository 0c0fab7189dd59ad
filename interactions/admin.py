"""Admin for every interactions model: searchable, filterable, related rows joined."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    ContactIntervalOverride,
    ContactPolicy,
    Festival,
    ImprovementAction,
    Interaction,
    ServiceRequest,
    ServiceRequestEvent,
    SlaPolicy,
    SurveyResponse,
    SurveyScore,
    Task,
    VisitPlan,
    VisitPolicy,
)


class ScopedAdmin(admin.ModelAdmin):
    """Admin changelists start from `visible_to(user)` like every other list."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if hasattr(queryset, "visible_to"):
            queryset = queryset.visible_to(request.user)
        return queryset


class ParticipantsAdminForm(forms.ModelForm):
    """The admin refuses another customer's contacts as participants, as the services do."""

    def clean(self):
        data = super().clean()
        customer = data.get("customer")
        contacts = data.get("contacts") or []
        if customer is not None and any(c.customer_id != customer.pk for c in contacts):
            self.add_error("contacts", _("Choose contacts of this customer only."))
        return data


@admin.register(Task)
class TaskAdmin(ScopedAdmin):
    """Follow-up tasks."""

    list_display = ("title", "owner", "customer", "kind", "due_date", "status")
    list_filter = ("status", "kind", "due_date")
    search_fields = ("title", "customer__name", "owner__username", "source_key")
    list_select_related = ("owner", "customer")
    raw_id_fields = ("owner", "customer", "created_by")
    date_hierarchy = "due_date"


@admin.register(Interaction)
class InteractionAdmin(ScopedAdmin):
    """Logged contacts."""

    list_display = ("occurred_at", "customer", "channel", "purpose", "loan_stage", "created_by")
    list_filter = ("channel", "purpose", "loan_stage")
    form = ParticipantsAdminForm
    search_fields = ("customer__name", "summary", "findings", "contacts__name", "contact_names")
    list_select_related = ("customer", "created_by")
    raw_id_fields = ("customer", "created_by", "follow_up_task", "contacts")
    filter_horizontal = ("staff",)
    date_hierarchy = "occurred_at"


@admin.register(ContactPolicy)
class ContactPolicyAdmin(admin.ModelAdmin):
    """Contact intervals by loan stage × tier × risk level (DOMAIN.md §10)."""

    list_display = ("loan_stage", "tier", "risk_level", "interval_days", "updated_at")
    list_editable = ("interval_days",)
    list_filter = ("loan_stage", "tier", "risk_level")
    search_fields = ("loan_stage", "tier", "risk_level")


@admin.register(VisitPolicy)
class VisitPolicyAdmin(admin.ModelAdmin):
    """On-site visit intervals by tier."""

    list_display = ("tier", "interval_days", "updated_at")
    list_editable = ("interval_days",)
    list_filter = ("tier",)
    search_fields = ("tier",)


@admin.register(ContactIntervalOverride)
class ContactIntervalOverrideAdmin(ScopedAdmin):
    """Per-customer contact intervals."""

    list_display = ("customer", "interval_days", "reason", "set_by", "updated_at")
    search_fields = ("customer__name", "reason")
    list_filter = ("interval_days",)
    list_select_related = ("customer", "set_by")
    raw_id_fields = ("customer", "set_by")


@admin.register(VisitPlan)
class VisitPlanAdmin(ScopedAdmin):
    """Planned visits."""

    list_display = ("planned_for", "customer", "status", "created_by")
    list_filter = ("status", "planned_for")
    form = ParticipantsAdminForm
    search_fields = ("customer__name", "agenda", "outcome", "contacts__name", "contact_names")
    list_select_related = ("customer", "created_by")
    raw_id_fields = ("customer", "created_by", "interaction", "contacts")
    filter_horizontal = ("staff",)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    """SLA targets per request kind."""

    list_display = ("kind", "first_handling_hours", "reply_hours", "urgent_first_handling_hours")
    list_editable = ("first_handling_hours", "reply_hours", "urgent_first_handling_hours")
    search_fields = ("kind",)
    list_filter = ("kind",)


class ServiceRequestEventInline(admin.TabularInline):
    model = ServiceRequestEvent
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "actor", "from_status", "to_status", "note", "at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ScopedAdmin):
    """Service requests; status moves through the service (pages and API), not here."""

    list_display = (
        "id",
        "customer",
        "kind",
        "urgency",
        "status",
        "owner",
        "received_at",
        "sla_breached",
    )
    list_filter = ("kind", "status", "urgency", "importance", "sla_breached", "polarity")
    search_fields = ("customer__name", "summary", "resolution", "owner__username")
    list_select_related = ("customer", "owner")
    raw_id_fields = ("customer", "owner", "created_by")
    readonly_fields = (
        "status",
        "first_handling_due_at",
        "reply_due_at",
        "classified_at",
        "analysed_at",
        "assigned_at",
        "in_progress_at",
        "first_handled_at",
        "replied_at",
        "closed_at",
        "sla_breached",
        "escalated_at",
    )
    inlines = [ServiceRequestEventInline]


class SurveyScoreInline(admin.TabularInline):
    model = SurveyScore
    extra = 0


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ScopedAdmin):
    """Survey responses with their scores."""

    list_display = ("customer", "responded_on", "nps", "channel", "is_valid", "entered_by")
    list_filter = ("is_valid", "channel", "responded_on")
    search_fields = ("customer__name", "respondent", "comment")
    list_select_related = ("customer", "entered_by")
    raw_id_fields = ("customer", "entered_by", "service_request")
    inlines = [SurveyScoreInline]


@admin.register(ImprovementAction)
class ImprovementActionAdmin(ScopedAdmin):
    """Improvement measures on survey and complaint findings."""

    list_display = ("title", "owner", "dimension", "due_date", "status")
    list_filter = ("status", "dimension")
    search_fields = ("title", "finding", "owner__username")
    list_select_related = ("owner",)
    raw_id_fields = ("owner", "survey_response", "service_request")


@admin.register(Festival)
class FestivalAdmin(admin.ModelAdmin):
    """Festival dates for care greetings (lunar festivals entered per year)."""

    list_display = ("name", "date")
    search_fields = ("name",)
    list_filter = ("name",)
    date_hierarchy = "date"
