"""Admin for every customers model: searchable, filtered, scoped and select_related."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from crm.exceptions import DomainError

from . import services
from .choices import LifecycleStage
from .forms import PROFILE_FIELDS
from .models import (
    Contact,
    CriterionAssessment,
    Customer,
    CustomerChange,
    CustomerGroup,
    CustomerRelation,
    FinancialStatement,
    Industry,
    Need,
    OnboardingStep,
    SegmentationPolicy,
)


class ScopedAdmin(admin.ModelAdmin):
    """Changelists start from `visible_to(user)` like every other read."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if hasattr(queryset, "visible_to"):
            queryset = queryset.visible_to(request.user)
        return queryset


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    """The GB/T 4754-2017 reference table with its policy flags."""

    list_display = (
        "code",
        "name",
        "name_zh",
        "parent",
        "policy_supported",
        "stable_demand",
        "good_prospects",
        "risk_rating",
    )
    list_filter = ("policy_supported", "stable_demand", "good_prospects", "risk_rating")
    search_fields = ("code", "name", "name_zh")
    list_select_related = ("parent",)


class ContactInline(admin.TabularInline):
    model = Contact
    fields = ("name", "role", "position", "is_decision_maker", "email")
    extra = 0
    show_change_link = True


class CustomerAdminForm(forms.ModelForm):
    """Runs the services' checks while the form can still show them next to the field."""

    class Meta:
        model = Customer
        fields = [
            # Soft information is read and written on the customer page only, where each
            # reveal is logged (docs/security.md).
            *(f for f in PROFILE_FIELDS if f != "soft_information"),
            "relationship_manager",
            "tier",
            "segment",
            "lifecycle_stage",
            "value_tier",
            "classified_on",
        ]

    def clean_relationship_manager(self):
        manager = self.cleaned_data["relationship_manager"]
        try:
            services.check_manager(manager)
        except DomainError as exc:
            raise ValidationError(exc.message) from exc
        return manager

    def clean_lifecycle_stage(self):
        stage = self.cleaned_data["lifecycle_stage"]
        instance = self.instance
        if (
            instance.pk
            and instance.lifecycle_stage == LifecycleStage.PROSPECT
            and stage != (LifecycleStage.PROSPECT)
        ):
            blockers = services.onboarding_blockers(instance)
            if blockers:
                raise ValidationError(" ".join(blockers))
        return stage


@admin.register(Customer)
class CustomerAdmin(ScopedAdmin):
    """Customers; saves go through the services so changes are recorded."""

    form = CustomerAdminForm

    list_display = (
        "name",
        "uscc",
        "industry",
        "relationship_manager",
        "tier",
        "segment",
        "lifecycle_stage",
        "risk_level",
    )
    list_filter = ("tier", "segment", "lifecycle_stage", "risk_level", "size", "legal_form")
    search_fields = ("name", "uscc", "region", "relationship_manager__username")
    list_select_related = ("industry", "relationship_manager")
    autocomplete_fields = ("industry", "relationship_manager", "group")
    readonly_fields = ("credit_grade", "risk_level", "risk_score", "created_at", "updated_at")
    exclude = ("created_by", "collected_by")
    inlines = [ContactInline]

    def save_model(self, request, obj, form, change):
        if change:
            data = {f: form.cleaned_data[f] for f in form.changed_data if f in form.cleaned_data}
            services.customer_update(
                customer=obj, user=request.user, data=data, reason=str(_("Changed in the admin"))
            )
        else:
            created = services.customer_create(user=request.user, data=dict(form.cleaned_data))
            obj.pk = created.pk


@admin.register(CustomerGroup)
class CustomerGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name", "description")


@admin.register(Contact)
class ContactAdmin(ScopedAdmin):
    # Phone and ID number are shown (masked, revealed with a log entry) on the customer page
    # only: the admin would show them in clear and unlogged.
    exclude = ("phone", "id_number")
    list_display = ("name", "customer", "role", "position", "is_decision_maker")
    list_filter = ("role", "is_decision_maker", "data_source")
    search_fields = ("name", "customer__name", "email", "position")
    list_select_related = ("customer",)
    autocomplete_fields = ("customer",)


@admin.register(FinancialStatement)
class FinancialStatementAdmin(ScopedAdmin):
    list_display = ("customer", "period_end", "revenue", "debt_to_asset", "current_ratio")
    list_filter = ("audited", "verified", "data_source")
    search_fields = ("customer__name", "customer__uscc")
    list_select_related = ("customer",)
    autocomplete_fields = ("customer",)
    readonly_fields = services.RATIO_FIELDS
    date_hierarchy = "period_end"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.statement_recompute_ratios(customer=obj.customer)


@admin.register(CustomerRelation)
class CustomerRelationAdmin(ScopedAdmin):
    list_display = ("customer", "kind", "related", "created_at")
    list_filter = ("kind",)
    search_fields = ("customer__name", "related__name")
    list_select_related = ("customer", "related")
    autocomplete_fields = ("customer", "related")


@admin.register(Need)
class NeedAdmin(ScopedAdmin):
    list_display = ("title", "customer", "kind", "importance", "urgency", "status", "owner")
    list_filter = ("kind", "status", "importance", "urgency", "discovery_method")
    search_fields = ("title", "description", "customer__name")
    list_select_related = ("customer", "owner")
    autocomplete_fields = ("customer", "owner")


@admin.register(OnboardingStep)
class OnboardingStepAdmin(ScopedAdmin):
    list_display = ("customer", "step", "outcome", "completed_by", "completed_at")
    list_filter = ("step", "outcome")
    search_fields = ("customer__name",)
    list_select_related = ("customer", "completed_by")


@admin.register(CriterionAssessment)
class CriterionAssessmentAdmin(ScopedAdmin):
    list_display = ("customer", "criterion", "assessment", "assessed_by", "assessed_at")
    list_filter = ("criterion", "assessment")
    search_fields = ("customer__name",)
    list_select_related = ("customer", "assessed_by")


@admin.register(CustomerChange)
class CustomerChangeAdmin(ScopedAdmin):
    """The change log: read-only."""

    list_display = (
        "changed_at",
        "customer",
        "kind",
        "subject",
        "field",
        "old_value",
        "new_value",
        "changed_by",
    )
    list_filter = ("kind", "field")
    search_fields = ("customer__name", "subject", "field", "reason", "changed_by__username")
    list_select_related = ("customer", "changed_by")
    date_hierarchy = "changed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SegmentationPolicy)
class SegmentationPolicyAdmin(admin.ModelAdmin):
    """Thresholds, versioned: "add" saves a new version; versions are never edited."""

    list_display = (
        "changed_at",
        "changed_by",
        "review_interval_days",
        "watch_review_interval_days",
        "key_credit_threshold",
        "key_contribution_threshold",
        "premium_min_contribution",
        "potential_min_contribution",
        "established_after_months",
        "note",
    )
    search_fields = ("note", "changed_by__username")
    list_select_related = ("changed_by",)
    exclude = ("changed_by", "changed_at")

    def get_changeform_initial_data(self, request):
        # A new version starts from the one in force.
        current = SegmentationPolicy.current()
        return {
            f.name: getattr(current, f.name)
            for f in SegmentationPolicy._meta.fields
            if f.name not in ("id", "changed_by", "changed_at", "note")
        }

    def has_change_permission(self, request, obj=None):
        # Viewing an old version is fine; changing it would rewrite history.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.changed_by = request.user
        super().save_model(request, obj, form, change)
