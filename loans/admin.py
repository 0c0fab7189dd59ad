"""Admin for every loans model: products and approval tiers are edited here; the workflow
records (events, approvals, classification history) are read-only because they are the audit
trail, and applications, loans and repayments change only through the services."""

from django.contrib import admin

from .models import (
    ApprovalRecord,
    ApprovalTier,
    ClassificationChange,
    ClassificationProposal,
    Collateral,
    Guarantor,
    Installment,
    Loan,
    LoanApplication,
    LoanApplicationEvent,
    LoanProduct,
    Repayment,
    RepaymentAllocation,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit records: viewable, never added, changed or deleted by hand."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LoanProduct)
class LoanProductAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "name_zh",
        "purpose",
        "min_amount",
        "max_amount",
        "min_term_months",
        "max_term_months",
        "is_active",
    ]
    list_filter = ["purpose", "is_active"]
    search_fields = ["code", "name", "name_zh"]


@admin.register(ApprovalTier)
class ApprovalTierAdmin(admin.ModelAdmin):
    list_display = ["name", "max_amount", "approvals_required"]
    search_fields = ["name"]
    list_filter = ["approvals_required"]


class CollateralInline(admin.TabularInline):
    model = Collateral
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class GuarantorInline(CollateralInline):
    model = Guarantor
    raw_id_fields = ["customer"]
    # An individual's ID number is never shown in clear outside a logged reveal.
    exclude = ["id_number"]


class EventInline(CollateralInline):
    model = LoanApplicationEvent
    fields = ["at", "actor", "action", "from_status", "to_status", "comment"]
    readonly_fields = fields


class ApprovalInline(CollateralInline):
    model = ApprovalRecord
    fields = ["round", "kind", "level", "approver", "decision", "approved_amount", "reason", "at"]
    readonly_fields = fields


class ScopedAdmin(admin.ModelAdmin):
    """Changelists start from visible_to(user) like every other read."""

    list_select_related = ["customer"]

    def get_queryset(self, request):
        return self.model.objects.visible_to(request.user).select_related(*self.list_select_related)


@admin.register(LoanApplication)
class LoanApplicationAdmin(ScopedAdmin):
    list_display = ["id", "customer", "product", "amount", "term_months", "status", "created_at"]
    list_filter = ["status", "product", "repayment_method", "guarantee_method", "priority"]
    search_fields = ["=id", "customer__name", "customer__uscc"]
    list_select_related = ["customer", "product"]
    raw_id_fields = ["customer", "created_by"]
    date_hierarchy = "created_at"
    inlines = [CollateralInline, GuarantorInline, ApprovalInline, EventInline]

    # Status and terms move only through the workflow services (four eyes, events, tasks).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LoanApplicationEvent)
class LoanApplicationEventAdmin(ReadOnlyAdmin):
    list_display = ["application", "action", "from_status", "to_status", "actor", "at"]
    list_filter = ["action", "to_status"]
    search_fields = ["=application__id", "application__customer__name", "actor__username"]
    list_select_related = ["application__customer", "actor"]


@admin.register(ApprovalRecord)
class ApprovalRecordAdmin(ReadOnlyAdmin):
    list_display = ["application", "round", "kind", "level", "approver", "decision", "at"]
    list_filter = ["kind", "decision"]
    search_fields = ["=application__id", "application__customer__name", "approver__username"]
    list_select_related = ["application__customer", "approver"]


@admin.register(Collateral)
class CollateralAdmin(ReadOnlyAdmin):
    list_display = ["application", "kind", "owner_name", "value", "valuation_date"]
    list_filter = ["kind", "security_interest"]
    search_fields = ["owner_name", "registration_ref", "application__customer__name"]
    list_select_related = ["application__customer"]


@admin.register(Guarantor)
class GuarantorAdmin(ReadOnlyAdmin):
    list_display = ["application", "kind", "name", "customer", "amount"]
    list_filter = ["kind"]
    search_fields = ["name", "customer__name", "application__customer__name"]
    list_select_related = ["application__customer", "customer"]


class InstallmentInline(CollateralInline):
    model = Installment
    fields = [
        "number",
        "due_date",
        "principal",
        "interest",
        "principal_paid",
        "interest_paid",
        "status",
    ]
    readonly_fields = fields


@admin.register(Loan)
class LoanAdmin(ScopedAdmin):
    list_display = [
        "id",
        "customer",
        "product",
        "principal",
        "outstanding_principal",
        "days_past_due",
        "classification",
        "status",
        "status_as_of",
    ]
    list_filter = ["status", "classification", "product", "repayment_method"]
    search_fields = ["=id", "customer__name", "customer__uscc"]
    list_select_related = ["customer", "product"]
    date_hierarchy = "disbursed_on"
    inlines = [InstallmentInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Installment)
class InstallmentAdmin(ReadOnlyAdmin):
    list_display = ["loan", "number", "due_date", "principal", "interest", "status"]
    list_filter = ["status"]
    search_fields = ["=loan__id", "loan__customer__name"]
    list_select_related = ["loan__customer"]
    date_hierarchy = "due_date"


@admin.register(Repayment)
class RepaymentAdmin(ReadOnlyAdmin):
    list_display = ["loan", "paid_on", "amount", "posted_by", "reversed_at"]
    list_filter = ["paid_on"]
    search_fields = ["=loan__id", "loan__customer__name"]
    list_select_related = ["loan__customer", "posted_by"]


@admin.register(RepaymentAllocation)
class RepaymentAllocationAdmin(ReadOnlyAdmin):
    list_display = ["repayment", "installment", "interest", "principal"]
    search_fields = ["=repayment__loan__id"]
    list_select_related = ["repayment__loan", "installment__loan"]


@admin.register(ClassificationChange)
class ClassificationChangeAdmin(ReadOnlyAdmin):
    list_display = [
        "loan",
        "from_classification",
        "to_classification",
        "days_past_due",
        "source",
        "as_of",
    ]
    list_filter = ["source", "to_classification"]
    search_fields = ["=loan__id", "loan__customer__name"]
    list_select_related = ["loan__customer"]


@admin.register(ClassificationProposal)
class ClassificationProposalAdmin(ReadOnlyAdmin):
    list_display = ["loan", "proposed_classification", "status", "proposed_by", "decided_by"]
    list_filter = ["status", "proposed_classification"]
    search_fields = ["=loan__id", "loan__customer__name", "reason"]
    list_select_related = ["loan__customer", "proposed_by", "decided_by"]
