"""Loan products, applications with their approval record, collateral, loans and repayments."""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from crm.fields import EncryptedTextField
from crm.scoping import CustomerOwnedQuerySet, ScopedQuerySet

from .choices import (
    PENDING_DECISION,
    ApplicationAction,
    ApplicationStatus,
    ApprovalDecision,
    ApprovalKind,
    Classification,
    ClassificationSource,
    CollateralType,
    GuaranteeMethod,
    GuarantorKind,
    InstallmentStatus,
    LoanPurpose,
    LoanStatus,
    Material,
    ProposalStatus,
    RepaymentMethod,
    SecurityInterest,
)

MONEY = {"max_digits": 18, "decimal_places": 2}
RATE = {"max_digits": 7, "decimal_places": 4}
ZERO = Decimal("0.00")
# The documents a guarantee method itself calls for, on top of the product's required materials.
GUARANTEE_MATERIALS = {
    GuaranteeMethod.COLLATERAL: Material.COLLATERAL_DOCUMENTS,
    GuaranteeMethod.GUARANTEE: Material.GUARANTEE_DOCUMENTS,
}


class LoanProduct(models.Model):
    """A loan product on the three axes of DOMAIN.md §4 with its limits (admin-managed)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_zh = models.CharField(_("Chinese name"), max_length=100, blank=True)
    purpose = models.CharField(_("purpose"), max_length=20, choices=LoanPurpose.choices)
    min_amount = models.DecimalField(_("minimum amount"), **MONEY)
    max_amount = models.DecimalField(_("maximum amount"), **MONEY)
    min_term_months = models.PositiveSmallIntegerField(_("minimum term (months)"))
    max_term_months = models.PositiveSmallIntegerField(_("maximum term (months)"))
    min_rate = models.DecimalField(_("minimum annual rate (%)"), **RATE)
    max_rate = models.DecimalField(_("maximum annual rate (%)"), **RATE)
    repayment_methods = ArrayField(
        models.CharField(max_length=20, choices=RepaymentMethod.choices),
        verbose_name=_("repayment methods"),
    )
    guarantee_methods = ArrayField(
        models.CharField(max_length=20, choices=GuaranteeMethod.choices),
        verbose_name=_("guarantee methods"),
    )
    required_materials = ArrayField(
        models.CharField(max_length=40, choices=Material.choices),
        verbose_name=_("required materials"),
        default=list,
        blank=True,
        help_text=_(
            "Materials every application for this product needs before submission; collateral "
            "and guarantee documents are added by the guarantee method."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("loan product")
        verbose_name_plural = _("loan products")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_amount__gt=0) & Q(max_amount__gte=F("min_amount")),
                name="loanproduct_amount_range",
            ),
            models.CheckConstraint(
                condition=Q(min_term_months__gte=1) & Q(max_term_months__gte=F("min_term_months")),
                name="loanproduct_term_range",
            ),
            models.CheckConstraint(
                condition=Q(min_rate__gte=0) & Q(max_rate__gte=F("min_rate")),
                name="loanproduct_rate_range",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def materials_required_for(self, guarantee_method: str) -> list[str]:
        """The materials an application needs before submission, in checklist order."""
        required = set(self.required_materials)
        if guarantee_method in GUARANTEE_MATERIALS:
            required.add(GUARANTEE_MATERIALS[guarantee_method])
        return [code for code in Material.values if code in required]


class ApprovalTierQuerySet(models.QuerySet):
    def for_amount(self, amount: Decimal) -> "ApprovalTier | None":
        """The tier whose ceiling is the smallest one at or above `amount` (None ceiling = ∞)."""
        return (
            self.filter(Q(max_amount__gte=amount) | Q(max_amount__isnull=True))
            .order_by(F("max_amount").asc(nulls_last=True))
            .first()
        )


class ApprovalTier(models.Model):
    """Approval authority by amount (DOMAIN.md §10): how many distinct approvers must agree.

    The credit committee above the two-level limit is modelled as a third distinct approver.
    """

    name = models.CharField(_("name"), max_length=100)
    max_amount = models.DecimalField(
        _("up to amount"),
        **MONEY,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Empty means no upper limit (the top tier)."),
    )
    approvals_required = models.PositiveSmallIntegerField(_("distinct approvers required"))

    objects = ApprovalTierQuerySet.as_manager()

    class Meta:
        ordering = [F("max_amount").asc(nulls_last=True)]
        verbose_name = _("approval tier")
        verbose_name_plural = _("approval tiers")
        constraints = [
            models.CheckConstraint(
                condition=Q(approvals_required__gte=1) & Q(approvals_required__lte=5),
                name="approvaltier_approvals_1_to_5",
            ),
            models.UniqueConstraint(
                fields=["approvals_required"],
                condition=Q(max_amount__isnull=True),
                name="approvaltier_one_open_ended",
            ),
        ]

    def __str__(self):
        return self.name


class LoanApplicationQuerySet(CustomerOwnedQuerySet):
    """Applications; scoped through the customer's relationship manager."""

    def pending_decision(self):
        """Applications an approver or risk officer may still act on."""
        return self.filter(status__in=PENDING_DECISION)


class LoanApplication(models.Model):
    """A request for credit by a customer, moved through its workflow only by services."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="loan_applications",
    )
    product = models.ForeignKey(
        LoanProduct, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    annual_rate = models.DecimalField(_("annual rate (%)"), **RATE)
    repayment_method = models.CharField(
        _("repayment method"), max_length=20, choices=RepaymentMethod.choices
    )
    purpose = models.CharField(_("purpose of funds"), max_length=500)
    guarantee_method = models.CharField(
        _("guarantee method"), max_length=20, choices=GuaranteeMethod.choices
    )
    priority = models.BooleanField(_("priority"), default=False)
    materials = ArrayField(
        models.CharField(max_length=40),
        verbose_name=_("materials received"),
        default=list,
        blank=True,
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.DRAFT,
        db_index=True,
    )
    # Each submission opens a new round; approvals of an earlier (returned) round no longer count.
    round = models.PositiveSmallIntegerField(_("review round"), default=0)
    approvals_required = models.PositiveSmallIntegerField(
        _("distinct approvers required"), null=True, blank=True
    )
    risk_sign_off_required = models.BooleanField(_("risk sign-off required"), default=False)
    risk_score_at_submission = models.PositiveSmallIntegerField(
        _("risk score at submission"), null=True, blank=True
    )
    limit_check = models.JSONField(_("limit check"), default=dict, blank=True)
    approved_amount = models.DecimalField(_("approved amount"), **MONEY, null=True, blank=True)
    approved_term_months = models.PositiveSmallIntegerField(
        _("approved term (months)"), null=True, blank=True
    )
    approved_annual_rate = models.DecimalField(
        _("approved annual rate (%)"), **RATE, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = LoanApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("loan application")
        verbose_name_plural = _("loan applications")
        permissions = [
            ("approve_loanapplication", _("Can approve or reject loan applications")),
            ("risk_sign_off_loanapplication", _("Can sign off high-risk loan applications")),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="loanapp_status_created"),
            models.Index(fields=["-created_at", "-id"], name="loanapp_created"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="loanapp_amount_positive"),
            models.CheckConstraint(condition=Q(term_months__gte=1), name="loanapp_term_positive"),
            models.CheckConstraint(
                condition=Q(annual_rate__gte=0), name="loanapp_rate_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gt=0),
                name="loanapp_approved_amount_positive",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.customer} {self.amount}"

    @property
    def collateral_value(self) -> Decimal:
        """Total value of the collateral (uses the prefetched items when present)."""
        return sum((item.value for item in self.collateral.all()), ZERO)

    @property
    def loan_to_value(self) -> Decimal | None:
        """Amount over collateral value in percent, 2 decimals (None without collateral)."""
        value = self.collateral_value
        if not value:
            return None
        return (self.amount / value * 100).quantize(Decimal("0.01"))


class LoanApplicationEvent(models.Model):
    """One transition of an application: who, from, to, with what comment, when."""

    application = models.ForeignKey(
        LoanApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=ApplicationAction.choices)
    from_status = models.CharField(
        _("from"), max_length=20, choices=ApplicationStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=ApplicationStatus.choices)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("application event")
        verbose_name_plural = _("application events")

    def __str__(self):
        return f"{self.application_id}: {self.from_status} → {self.to_status}"


class ApprovalRecord(models.Model):
    """The append-only approval record (审批记录): one decision by one approver or risk officer."""

    application = models.ForeignKey(
        LoanApplication,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="approvals",
    )
    round = models.PositiveSmallIntegerField(_("review round"))
    kind = models.CharField(_("kind"), max_length=20, choices=ApprovalKind.choices)
    # 1..n for credit approvals; empty for the risk sign-off, which is not a level of authority.
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approver"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.CharField(_("decision"), max_length=30, choices=ApprovalDecision.choices)
    approved_amount = models.DecimalField(_("approved amount"), **MONEY, null=True, blank=True)
    approved_term_months = models.PositiveSmallIntegerField(
        _("approved term (months)"), null=True, blank=True
    )
    approved_annual_rate = models.DecimalField(
        _("approved annual rate (%)"), **RATE, null=True, blank=True
    )
    conditions = models.TextField(_("conditions"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("approval record")
        verbose_name_plural = _("approval records")
        constraints = [
            # The last line of defence of four eyes: one decision per level and round, and one
            # approver never fills two levels of the same round.
            # A return ends the round without filling a level, so it stays outside these rules
            # (an approver who approved level 1 may still return the application).
            models.UniqueConstraint(
                fields=["application", "round", "level"],
                condition=Q(kind="approval") & ~Q(decision="return"),
                name="approval_one_per_level",
            ),
            models.UniqueConstraint(
                fields=["application", "round", "approver"],
                condition=Q(kind="approval") & ~Q(decision="return"),
                name="approval_one_per_approver",
            ),
            models.UniqueConstraint(
                fields=["application", "round"],
                condition=Q(kind="risk_sign_off") & ~Q(decision="return"),
                name="approval_one_risk_sign_off",
            ),
            models.CheckConstraint(
                condition=(Q(kind="approval") & Q(level__gte=1))
                | (Q(kind="risk_sign_off") & Q(level__isnull=True)),
                name="approval_level_matches_kind",
            ),
        ]

    def __str__(self):
        return f"{self.application_id} L{self.level or '-'} {self.decision}"


class Collateral(models.Model):
    """An item of collateral (担保物) offered for an application."""

    application = models.ForeignKey(
        LoanApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="collateral",
    )
    kind = models.CharField(_("type"), max_length=20, choices=CollateralType.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    owner_name = models.CharField(_("owner"), max_length=200)
    value = models.DecimalField(_("value"), **MONEY)
    valuation_date = models.DateField(_("valuation date"))
    registration_ref = models.CharField(_("registration reference"), max_length=100, blank=True)
    security_interest = models.CharField(
        _("mortgage or pledge"), max_length=10, choices=SecurityInterest.choices
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("collateral item")
        verbose_name_plural = _("collateral")
        constraints = [
            models.CheckConstraint(condition=Q(value__gt=0), name="collateral_value_positive")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value}"


class Guarantor(models.Model):
    """A guarantor (保证人): a customer of the bank or another institution or person."""

    application = models.ForeignKey(
        LoanApplication,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="guarantors",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=GuarantorKind.choices)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("guarantor customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="guarantees_given",
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    # An individual's ID number is sensitive (DOMAIN.md §8): encrypted at rest, masked in the API.
    id_number = EncryptedTextField(_("ID or USCC"), max_length=30, blank=True)
    amount = models.DecimalField(_("guaranteed amount"), **MONEY)

    class Meta:
        ordering = ["id"]
        verbose_name = _("guarantor")
        verbose_name_plural = _("guarantors")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="guarantor_amount_positive"),
            models.CheckConstraint(
                condition=Q(customer__isnull=False) | ~Q(name=""),
                name="guarantor_customer_or_name",
            ),
        ]

    def __str__(self):
        return self.name or str(self.customer)


class LoanQuerySet(CustomerOwnedQuerySet):
    """Loans; scoped through the customer's relationship manager."""

    def active(self):
        return self.filter(status=LoanStatus.ACTIVE)


class Loan(models.Model):
    """A disbursed loan. DPD, installment statuses and class are as of `status_as_of`."""

    application = models.OneToOneField(
        LoanApplication,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="loan",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="loans",
    )
    product = models.ForeignKey(
        LoanProduct, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    principal = models.DecimalField(_("principal"), **MONEY)
    annual_rate = models.DecimalField(_("annual rate (%)"), **RATE)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    repayment_method = models.CharField(
        _("repayment method"), max_length=20, choices=RepaymentMethod.choices
    )
    disbursed_on = models.DateField(_("disbursed on"))
    maturity_date = models.DateField(_("maturity date"))
    outstanding_principal = models.DecimalField(_("outstanding principal"), **MONEY)
    status = models.CharField(
        _("status"), max_length=10, choices=LoanStatus.choices, default=LoanStatus.ACTIVE
    )
    days_past_due = models.PositiveIntegerField(_("days past due"), default=0)
    classification = models.CharField(
        _("classification"),
        max_length=20,
        choices=Classification.choices,
        default=Classification.NORMAL,
    )
    # A worse class approved by a risk officer; the effective class is the worse of this and the
    # regulatory floor, so a manual class can never make a loan look better than the rules allow.
    manual_classification = models.CharField(
        _("approved manual classification"),
        max_length=20,
        choices=Classification.choices,
        blank=True,
    )
    status_as_of = models.DateField(_("status as of"), null=True, blank=True)
    disbursed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("disbursed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = LoanQuerySet.as_manager()

    class Meta:
        ordering = ["-disbursed_on", "-id"]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        permissions = [
            ("approve_classificationproposal", _("Can approve loan classification proposals")),
        ]
        indexes = [
            models.Index(fields=["customer", "status"], name="loan_customer_status"),
            models.Index(fields=["classification"], name="loan_classification"),
            models.Index(fields=["-disbursed_on", "-id"], name="loan_disbursed"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(principal__gt=0), name="loan_principal_positive"),
            models.CheckConstraint(
                condition=Q(outstanding_principal__gte=0)
                & Q(outstanding_principal__lte=F("principal")),
                name="loan_outstanding_within_principal",
            ),
            models.CheckConstraint(
                condition=Q(maturity_date__gt=F("disbursed_on")),
                name="loan_matures_after_disbursal",
            ),
        ]

    def __str__(self):
        return f"L{self.pk} {self.customer} {self.principal}"


# Something is still owed on the installment: `Installment.objects.unpaid()`, and the
# condition of the partial index the worklist and the reminders read through.
UNPAID = Q(principal_paid__lt=F("principal")) | Q(interest_paid__lt=F("interest"))


class InstallmentQuerySet(CustomerOwnedQuerySet):
    """Installments; scoped through their loan's customer's relationship manager."""

    owner_path = "loan__customer__relationship_manager"

    def unpaid(self):
        """Installments with something still owed."""
        return self.filter(UNPAID)


class Installment(models.Model):
    """One line of a loan's repayment schedule with what has been paid against it."""

    loan = models.ForeignKey(
        Loan, verbose_name=_("loan"), on_delete=models.CASCADE, related_name="installments"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    due_date = models.DateField(_("due date"))
    principal = models.DecimalField(_("principal"), **MONEY)
    interest = models.DecimalField(_("interest"), **MONEY)
    principal_paid = models.DecimalField(_("principal paid"), **MONEY, default=ZERO)
    interest_paid = models.DecimalField(_("interest paid"), **MONEY, default=ZERO)
    paid_on = models.DateField(_("last paid on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=InstallmentStatus.choices, default=InstallmentStatus.DUE
    )

    objects = InstallmentQuerySet.as_manager()

    class Meta:
        ordering = ["loan", "number"]
        verbose_name = _("installment")
        verbose_name_plural = _("installments")
        indexes = [
            models.Index(
                fields=["due_date"],
                name="installment_open_due",
                condition=~Q(status="paid"),
            ),
            # A loan's unpaid installments by due date (worklist, reminders): a probe per loan
            # into the unpaid rows only, not all of a 360-line schedule.
            models.Index(
                fields=["loan", "due_date"], name="installment_unpaid_loan_due", condition=UNPAID
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["loan", "number"], name="installment_unique_number"),
            models.CheckConstraint(
                condition=Q(principal__gte=0) & Q(interest__gte=0), name="installment_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(principal_paid__gte=0)
                & Q(principal_paid__lte=F("principal"))
                & Q(interest_paid__gte=0)
                & Q(interest_paid__lte=F("interest")),
                name="installment_paid_within_due",
            ),
        ]

    def __str__(self):
        return f"L{self.loan_id} #{self.number} {self.due_date}"

    @property
    def amount(self) -> Decimal:
        return self.principal + self.interest

    @property
    def paid_amount(self) -> Decimal:
        return self.principal_paid + self.interest_paid


class RepaymentQuerySet(ScopedQuerySet):
    owner_path = "loan__customer__relationship_manager"


class Repayment(models.Model):
    """A posted repayment; a mistaken one is reversed (with a reason), never deleted."""

    loan = models.ForeignKey(
        Loan, verbose_name=_("loan"), on_delete=models.PROTECT, related_name="repayments"
    )
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount"), **MONEY)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    posted_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reversed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reversal_reason = models.TextField(_("reversal reason"), blank=True)

    objects = RepaymentQuerySet.as_manager()

    class Meta:
        ordering = ["-paid_on", "-id"]
        verbose_name = _("repayment")
        verbose_name_plural = _("repayments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="repayment_amount_positive"),
            models.CheckConstraint(
                condition=Q(reversed_at__isnull=True)
                | (Q(reversed_by__isnull=False) & ~Q(reversal_reason="")),
                name="repayment_reversal_has_reason",
            ),
        ]

    def __str__(self):
        return f"L{self.loan_id} {self.paid_on} {self.amount}"


class RepaymentAllocation(models.Model):
    """The part of a repayment applied to one installment (interest before principal)."""

    repayment = models.ForeignKey(
        Repayment, verbose_name=_("repayment"), on_delete=models.CASCADE, related_name="allocations"
    )
    installment = models.ForeignKey(
        Installment, verbose_name=_("installment"), on_delete=models.PROTECT, related_name="+"
    )
    interest = models.DecimalField(_("interest"), **MONEY)
    principal = models.DecimalField(_("principal"), **MONEY)

    class Meta:
        ordering = ["repayment", "installment__number"]
        verbose_name = _("repayment allocation")
        verbose_name_plural = _("repayment allocations")
        constraints = [
            models.UniqueConstraint(
                fields=["repayment", "installment"], name="allocation_unique_installment"
            ),
            models.CheckConstraint(
                condition=Q(interest__gte=0)
                & Q(principal__gte=0)
                & (Q(interest__gt=0) | Q(principal__gt=0)),
                name="allocation_positive",
            ),
        ]

    def __str__(self):
        return f"{self.repayment_id} → {self.installment_id}"


class ClassificationChange(models.Model):
    """History of a loan's five-tier class: every change, by the daily job or a person."""

    loan = models.ForeignKey(
        Loan,
        verbose_name=_("loan"),
        on_delete=models.CASCADE,
        related_name="classification_changes",
    )
    from_classification = models.CharField(_("from"), max_length=20, choices=Classification.choices)
    to_classification = models.CharField(_("to"), max_length=20, choices=Classification.choices)
    days_past_due = models.PositiveIntegerField(_("days past due"))
    as_of = models.DateField(_("as of"))
    source = models.CharField(_("source"), max_length=20, choices=ClassificationSource.choices)
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("classification change")
        verbose_name_plural = _("classification changes")

    def __str__(self):
        return f"L{self.loan_id} {self.from_classification} → {self.to_classification}"


class ClassificationProposalQuerySet(ScopedQuerySet):
    owner_path = "loan__customer__relationship_manager"


class ClassificationProposal(models.Model):
    """A proposal to classify a loan worse than its floor, decided by a risk officer."""

    loan = models.ForeignKey(
        Loan,
        verbose_name=_("loan"),
        on_delete=models.CASCADE,
        related_name="classification_proposals",
    )
    proposed_classification = models.CharField(
        _("proposed classification"), max_length=20, choices=Classification.choices
    )
    reason = models.TextField(_("reason"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    objects = ClassificationProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("classification proposal")
        verbose_name_plural = _("classification proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["loan"], condition=Q(status="pending"), name="proposal_one_pending_per_loan"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="proposal_has_reason"),
        ]

    def __str__(self):
        return f"L{self.loan_id} → {self.proposed_classification}"
