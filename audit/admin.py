"""The audit trail in the admin: read-only, per event table and per object.

`pghistory.admin` adds an "Events" button to the change page of every tracked object (its
trail across tables, with the diff and the user) and the filtered "Middleware events" list;
each history table is also browsable here. Nothing can be added, changed or deleted.
"""

from django.apps import apps
from django.contrib import admin
from pghistory.admin import EventModelAdmin
from pghistory.models import Event


class HistoryAdmin(EventModelAdmin):
    """One history table: newest first, filterable by label, searchable by object id."""

    list_display = ("pgh_created_at", "pgh_label", "pgh_obj", "pgh_context_id")
    date_hierarchy = "pgh_created_at"
    search_fields = ("=pgh_obj__pk",)
    ordering = ("-pgh_created_at", "-pgh_id")


class MembershipHistoryAdmin(HistoryAdmin):
    """Role and permission memberships: rows of a link table, so no tracked object."""

    list_display = ("pgh_created_at", "pgh_label", "user", "pgh_context_id")
    search_fields = ("user__username",)
    list_select_related = ("user",)


for model in apps.get_app_config("audit").get_models():
    if issubclass(model, Event):
        has_obj = any(field.name == "pgh_obj" for field in model._meta.fields)
        admin.site.register(model, HistoryAdmin if has_obj else MembershipHistoryAdmin)
