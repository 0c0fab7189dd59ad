"""Admin: notifications, deliveries (failed ones visible and resendable), the ladder, batches."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from crm.exceptions import DomainError

from . import services
from .choices import DeliveryStatus
from .models import Delivery, JobBatch, Notification, ReminderRung


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "customer", "short_message", "read_at")
    list_filter = ("kind", ("read_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("message", "recipient__username", "customer__name")
    list_select_related = ("recipient", "customer")
    raw_id_fields = ("recipient", "customer", "loan", "installment", "delivery")
    date_hierarchy = "created_at"

    @admin.display(description=_("message"))
    def short_message(self, obj):
        return obj.message[:80]


@admin.action(description=_("Send the selected failed deliveries again"))
def resend_deliveries(modeladmin, request, queryset):
    resent = 0
    for delivery in queryset.filter(status=DeliveryStatus.FAILED):
        try:
            services.delivery_resend(delivery=delivery)
        except DomainError as exc:
            modeladmin.message_user(request, exc.message, messages.ERROR)
        else:
            resent += 1
    modeladmin.message_user(request, _("%(count)d deliveries queued again.") % {"count": resent})


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Every email, SMS and in-app delivery; failed ones are filtered here and resent."""

    list_display = (
        "created_at",
        "kind",
        "channel",
        "status",
        "recipient",
        "masked_address",
        "subject",
        "rung",
        "attempts",
        "next_attempt_at",
        "sent_at",
    )
    list_filter = ("status", "channel", "kind", "business_date")
    search_fields = ("subject", "recipient", "title", "customer__name", "last_error")
    list_select_related = ("customer",)
    date_hierarchy = "created_at"
    actions = [resend_deliveries]
    exclude = ("address",)
    readonly_fields = [f.name for f in Delivery._meta.fields if f.name != "address"] + [
        "masked_address"
    ]

    @admin.display(description=_("address"))
    def masked_address(self, obj):
        # Phone numbers are sensitive (DOMAIN.md §8): first 3 and last 4 only.
        if obj.channel == "sms" and len(obj.address) >= 7:
            return f"{obj.address[:3]}****{obj.address[-4:]}"
        return obj.address

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReminderRung)
class ReminderRungAdmin(admin.ModelAdmin):
    """The reminder ladder of API.md, editable: offsets, repeats, channels, escalation."""

    list_display = (
        "code",
        "name",
        "ladder",
        "kind",
        "offset_days",
        "repeat_every_days",
        "notify_relationship_manager",
        "email_finance_contact",
        "sms_finance_contact",
        "escalate_to_lead_after_days",
        "escalate_to_risk_after_days",
        "is_active",
    )
    list_filter = ("ladder", "kind", "is_active")
    search_fields = ("code", "name")


@admin.register(JobBatch)
class JobBatchAdmin(admin.ModelAdmin):
    list_display = ("job", "as_of", "number", "status", "created_at", "finished_at", "counts")
    list_filter = ("status", "job", "as_of")
    search_fields = ("job",)
    list_select_related = ("job_run",)
    readonly_fields = [f.name for f in JobBatch._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
