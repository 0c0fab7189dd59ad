"""Admin for users, teams and job runs."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AccessLog, JobRun, Team, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Users with their team and roles (groups)."""

    list_display = ("username", "display_name", "email", "team", "roles", "is_staff", "is_active")
    list_filter = ("groups", "team", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "display_name", "first_name", "last_name", "email")
    list_select_related = ("team",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Bank"), {"fields": ("display_name", "phone", "team")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(group.name for group in obj.groups.all())


class MemberInline(admin.TabularInline):
    model = User
    fields = ("username", "display_name", "email", "is_active")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = _("member")
    verbose_name_plural = _("members")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    """Teams and their lead."""

    list_display = ("name", "lead", "branch")
    search_fields = ("name", "branch", "lead__username")
    list_select_related = ("lead",)
    autocomplete_fields = ("lead",)
    inlines = [MemberInline]


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    """The job-run table: read-only history of every daily job run."""

    list_display = ("job", "as_of", "status", "started_at", "finished_at", "summary")
    list_filter = ("status", "job", "triggered_by")
    date_hierarchy = "started_at"
    search_fields = ("job", "summary", "error")
    readonly_fields = [f.name for f in JobRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """The data-access log: searchable by compliance, never changed (append-only)."""

    list_display = ("at", "user", "action", "category", "customer", "ip", "detail")
    list_filter = ("action", "category")
    date_hierarchy = "at"
    search_fields = ("user__username", "customer__name", "customer__uscc", "detail", "ip")
    list_select_related = ("user", "customer")
    readonly_fields = [f.name for f in AccessLog._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
