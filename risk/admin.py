"""Admin for rules, scorecards, scores, alerts, events and the watch list; writes via services."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from crm.exceptions import DomainError

from . import services
from .models import (
    Alert,
    AlertComment,
    AlertEvent,
    PostLoanCheck,
    RiskEvent,
    RiskScore,
    RuleSetting,
    RuleSettingVersion,
    ScorecardIndicator,
    ScorecardVersion,
    WatchListEntry,
    WatchListReview,
)


class RuleSettingVersionInline(admin.TabularInline):
    model = RuleSettingVersion
    extra = 0
    can_delete = False
    fields = ["version", "enabled", "params", "changed_by", "changed_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RuleSetting)
class RuleSettingAdmin(admin.ModelAdmin):
    """Thresholds of the early-warning rules; each save is a new version (kept below)."""

    list_display = ["code", "enabled", "params", "version", "changed_by", "changed_at"]
    list_filter = ["enabled"]
    search_fields = ["code"]
    fields = ["code", "enabled", "params", "version", "changed_by", "changed_at"]
    readonly_fields = ["code", "version", "changed_by", "changed_at"]
    inlines = [RuleSettingVersionInline]

    def has_add_permission(self, request):
        return False  # one row per rule, created by the data migration

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        stored = RuleSetting.objects.get(pk=obj.pk)
        try:
            services.rule_setting_update(
                setting=stored, user=request.user, enabled=obj.enabled, params=obj.params
            )
        except DomainError as exc:
            messages.error(request, exc.message)


class ScorecardIndicatorInline(admin.TabularInline):
    model = ScorecardIndicator
    extra = 0
    fields = ["indicator", "dimension", "weight", "bands", "missing_score"]

    def _frozen(self, obj):
        return obj is not None and obj.activated_at is not None

    def has_add_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


@admin.register(ScorecardVersion)
class ScorecardVersionAdmin(admin.ModelAdmin):
    """Scorecard versions: edit a draft, activate it; an activated version is frozen."""

    list_display = ["version", "name", "is_active", "activated_at", "created_by", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "notes"]
    readonly_fields = ["is_active", "activated_at", "created_by", "created_at"]
    inlines = [ScorecardIndicatorInline]
    actions = ["copy_as_new_version", "activate"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.activated_at is not None:
            return [f.name for f in ScorecardVersion._meta.fields]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return obj is None or obj.activated_at is None

    @admin.action(description=_("Copy as a new draft version"))
    def copy_as_new_version(self, request, queryset):
        for scorecard in queryset:
            copy = services.scorecard_copy(scorecard=scorecard, user=request.user)
            self.message_user(request, _("Created version %(v)s.") % {"v": copy.version})

    @admin.action(description=_("Activate (score with this version from now on)"))
    def activate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one version."), messages.ERROR)
            return
        try:
            scorecard = services.scorecard_activate(scorecard=queryset.get(), user=request.user)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            self.message_user(request, _("Version %(v)s is active.") % {"v": scorecard.version})


@admin.register(RiskScore)
class RiskScoreAdmin(admin.ModelAdmin):
    list_display = ["customer", "as_of", "score", "grade", "risk_level", "model_version"]
    list_filter = ["grade", "risk_level", "model_version", "as_of"]
    search_fields = ["customer__name", "customer__uscc"]
    date_hierarchy = "as_of"
    list_select_related = ["customer"]
    readonly_fields = [f.name for f in RiskScore._meta.fields]
    raw_id_fields = ["customer"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class AlertEventInline(admin.TabularInline):
    model = AlertEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "actor", "from_status", "to_status", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class AlertCommentInline(admin.TabularInline):
    model = AlertComment
    extra = 0
    can_delete = False
    fields = ["created_at", "author", "body"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    """Alerts (read-only here: they are worked on the alert queue, through the services)."""

    list_display = [
        "id", "customer", "rule", "severity", "status", "raised_on", "due_at", "assignee",
    ]  # fmt: skip
    list_filter = ["status", "severity", "rule", "category", "raised_on"]
    search_fields = ["customer__name", "customer__uscc", "message"]
    date_hierarchy = "raised_on"
    list_select_related = ["customer", "assignee"]
    raw_id_fields = ["customer", "event", "assignee", "raised_by"]
    readonly_fields = [f.name for f in Alert._meta.fields]
    inlines = [AlertEventInline, AlertCommentInline]
    actions = ["acknowledge"]

    def get_queryset(self, request):
        return Alert.objects.visible_to(request.user).select_related("customer", "assignee")

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Acknowledge the selected alerts"))
    def acknowledge(self, request, queryset):
        outcome = services.alerts_bulk(alerts=queryset, user=request.user, action="acknowledge")
        self.message_user(
            request,
            _("%(done)s acknowledged, %(skipped)s skipped.")
            % {"done": outcome["done"], "skipped": outcome["skipped"]},
        )


@admin.register(RiskEvent)
class RiskEventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "severity", "occurred_on", "alerts_raised", "recorded_by"]
    list_filter = ["kind", "severity", "occurred_on"]
    search_fields = ["title", "description"]
    readonly_fields = ["alerts_raised", "recorded_by", "created_at"]
    filter_horizontal = ["industries"]

    def has_add_permission(self, request):
        return False  # recorded on /risk/events/, which alerts the affected customers


class WatchListReviewInline(admin.TabularInline):
    model = WatchListReview
    extra = 0
    can_delete = False
    fields = ["reviewed_on", "reviewer", "conclusion"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WatchListEntry)
class WatchListEntryAdmin(admin.ModelAdmin):
    list_display = ["customer", "added_on", "next_review_on", "review_interval_days", "removed_on"]
    list_filter = ["removed_on", "added_on"]
    search_fields = ["customer__name", "customer__uscc", "reason"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer", "added_by", "removed_by"]
    inlines = [WatchListReviewInline]

    def get_queryset(self, request):
        return WatchListEntry.objects.visible_to(request.user).select_related("customer")


@admin.register(PostLoanCheck)
class PostLoanCheckAdmin(admin.ModelAdmin):
    list_display = [
        "loan",
        "checked_on",
        "method",
        "purpose_compliant",
        "next_check_on",
        "checked_by",
    ]
    list_filter = ["method", "purpose_compliant", "checked_on"]
    search_fields = ["loan__customer__name", "loan_usage", "findings"]
    list_select_related = ["loan", "loan__customer", "checked_by"]
    raw_id_fields = ["loan", "checked_by"]

    def get_queryset(self, request):
        return PostLoanCheck.objects.visible_to(request.user).select_related("loan", "checked_by")
