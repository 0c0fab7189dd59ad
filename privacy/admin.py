"""Admin of the data-protection app: read-only records; changes go through the services."""

from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from crm.exceptions import DomainError

from . import services
from .models import Consent, RetentionFlag, ShareRecord


class ReadOnlyScopedAdmin(admin.ModelAdmin):
    """Scoped changelist; no add, change or delete: consent and shares are evidence."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Consent)
class ConsentAdmin(ReadOnlyScopedAdmin):
    list_display = (
        "customer",
        "contact",
        "guarantor",
        "purpose",
        "notice_version",
        "given_at",
        "withdrawn_at",
        "recorded_by",
    )
    list_filter = ("purpose", "notice_version", ("withdrawn_at", admin.EmptyFieldListFilter))
    search_fields = ("customer__name", "contact__name", "guarantor__name", "evidence")
    list_select_related = ("customer", "contact", "guarantor", "recorded_by")
    date_hierarchy = "given_at"
    actions = ["withdraw"]

    @admin.action(description=_("Record withdrawal of the selected consents"))
    def withdraw(self, request, queryset):
        done = 0
        for consent in queryset.filter(withdrawn_at__isnull=True):
            try:
                services.consent_withdraw(
                    user=request.user, consent=consent, note=_("Recorded in the admin")
                )
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return
            done += 1
        self.message_user(request, _("%(n)s withdrawals recorded.") % {"n": done})


@admin.register(ShareRecord)
class ShareRecordAdmin(ReadOnlyScopedAdmin):
    list_display = (
        "shared_on",
        "customer",
        "ground",
        "recipient",
        "method",
        "responsible",
        "consent",
    )
    list_filter = ("ground", "method", "purpose")
    search_fields = ("customer__name", "recipient", "basis_reference", "fields")
    list_select_related = ("customer", "responsible", "consent")
    date_hierarchy = "shared_on"


@admin.register(RetentionFlag)
class RetentionFlagAdmin(ReadOnlyScopedAdmin):
    list_display = (
        "customer",
        "status",
        "relationship_ended_on",
        "retention_years",
        "flagged_on",
        "anonymised_at",
        "anonymised_by",
        "contacts_anonymised",
    )
    list_filter = ("status",)
    search_fields = ("customer__name", "customer__uscc")
    list_select_related = ("customer", "anonymised_by")
    actions = ["anonymise"]

    @admin.action(description=_("Anonymise the selected customers (asks for confirmation)"))
    def anonymise(self, request, queryset):
        if not services.may_anonymise(request.user):
            self.message_user(
                request, _("Only an authorised person may anonymise."), messages.ERROR
            )
            return None
        if request.POST.get("confirm") != "yes":
            # Never without confirmation: show what will happen, then come back with confirm.
            return TemplateResponse(
                request,
                "privacy/admin_anonymise_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Confirm anonymisation"),
                    "flags": queryset.select_related("customer"),
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                    "opts": self.model._meta,
                },
            )
        done = 0
        for flag in queryset:
            try:
                services.customer_anonymise(
                    user=request.user, flag=flag, confirm=True, request=request
                )
            except DomainError as exc:
                self.message_user(request, f"{flag.customer}: {exc.message}", messages.ERROR)
                continue
            done += 1
        self.message_user(request, _("%(n)s customers anonymised.") % {"n": done})
        return None
