"""Corporate customers and the industry reference table."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.config_cache import config_cache
from crm.fields import EncryptedTextField
from crm.scoping import CustomerOwnedQuerySet, ScopedQuerySet

from .choices import (
    Assessment,
    ChangeKind,
    CompanySize,
    ContactRole,
    CreditGrade,
    Criterion,
    DataSource,
    DiscoveryMethod,
    EntityType,
    LegalForm,
    Level,
    LifecycleStage,
    NeedKind,
    NeedStatus,
    OnboardingStepCode,
    RegionTier,
    RelationKind,
    RiskLevel,
    Segment,
    Tier,
    ValueTier,
    VerificationMethod,
)
from .validators import uscc_validator

MONEY = {"max_digits": 18, "decimal_places": 2}
RATIO = {"max_digits": 30, "decimal_places": 4}


class Industry(models.Model):
    """A GB/T 4754-2017 industry (a section letter A–T or a finer code) with policy flags."""

    code = models.CharField(_("code"), max_length=10, primary_key=True)
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("Chinese name"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # The three flags of DOMAIN.md §2 (行业定位).
    policy_supported = models.BooleanField(_("state policy support (国家政策支持)"), default=False)
    stable_demand = models.BooleanField(_("stable market demand (市场需求稳定)"), default=False)
    good_prospects = models.BooleanField(_("good prospects (发展前景良好)"), default=False)
    risk_rating = models.PositiveSmallIntegerField(
        _("industry risk (1 low – 5 high)"),
        default=3,
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        constraints = [
            models.CheckConstraint(
                condition=Q(risk_rating__gte=1) & Q(risk_rating__lte=5),
                name="industry_risk_rating_1_to_5",
            )
        ]

    def __str__(self):
        return f"{self.code} {self.name_zh or self.name}"


class CustomerQuerySet(ScopedQuerySet):
    """Customers; `visible_to(user)` scopes by the owning relationship manager."""

    owner_path = "relationship_manager"


class Customer(models.Model):
    """A corporate borrower: the centre of the product; everything else hangs off it."""

    name = models.CharField(_("legal name"), max_length=200)
    uscc = models.CharField(
        _("unified social credit code (统一社会信用代码)"),
        max_length=18,
        unique=True,
        validators=[uscc_validator],
    )
    legal_form = models.CharField(_("legal form"), max_length=30, choices=LegalForm.choices)
    industry = models.ForeignKey(
        Industry, verbose_name=_("industry"), on_delete=models.PROTECT, related_name="customers"
    )
    size = models.CharField(_("size"), max_length=10, choices=CompanySize.choices)
    region = models.CharField(_("region"), max_length=100)
    region_tier = models.CharField(
        _("region tier"), max_length=10, choices=RegionTier.choices, blank=True
    )
    branch = models.CharField(_("branch"), max_length=100, blank=True)
    relationship_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("relationship manager"),
        on_delete=models.PROTECT,
        related_name="customers",
    )
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, default=Tier.GENERAL)
    segment = models.CharField(_("segment"), max_length=20, choices=Segment.choices, blank=True)
    lifecycle_stage = models.CharField(
        _("lifecycle stage"),
        max_length=20,
        choices=LifecycleStage.choices,
        default=LifecycleStage.PROSPECT,
    )
    # Written by the risk scoring (risk app); shown everywhere.
    credit_grade = models.CharField(
        _("credit grade"), max_length=20, choices=CreditGrade.choices, blank=True
    )
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.MEDIUM
    )
    risk_score = models.PositiveSmallIntegerField(_("risk score"), null=True, blank=True)
    cooperation_start = models.DateField(_("cooperation start"), null=True, blank=True)
    entity_type = models.CharField(
        _("entity type"), max_length=20, choices=EntityType.choices, default=EntityType.ENTERPRISE
    )
    group = models.ForeignKey(
        "customers.CustomerGroup",
        verbose_name=_("group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    # Business facts (DOMAIN.md §2, "Business").
    registered_address = models.CharField(_("registered address"), max_length=300, blank=True)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    registered_capital = models.DecimalField(
        _("registered capital (CNY)"), **MONEY, null=True, blank=True
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    business_model = models.TextField(_("main business and model"), blank=True)
    market_position = models.TextField(_("market share and industry position"), blank=True)
    operating_condition = models.TextField(_("operating condition and challenges"), blank=True)
    supply_chain = models.TextField(_("supply chain (up/downstream)"), blank=True)
    # 软信息 (DOMAIN.md §2, §8): the RM's restricted notes on the owner, reputation and
    # relationships. Sensitive: encrypted at rest, masked without `customers.view_sensitive`.
    soft_information = EncryptedTextField(_("soft information (软信息)"), blank=True)
    # Inputs of the service-tier rule (DOMAIN.md §10): approved credit and contribution.
    approved_credit = models.DecimalField(
        _("approved credit (CNY)"), **MONEY, null=True, blank=True
    )
    # Inputs of the contribution score besides the loan exposure (DOMAIN.md §10 weights); the
    # score itself is computed by the daily classification job, never typed in.
    deposits = models.DecimalField(
        _("average deposit balance (CNY)"), **MONEY, null=True, blank=True
    )
    intermediate_income = models.DecimalField(
        _("intermediate business income, last 12 months (CNY)"), **MONEY, null=True, blank=True
    )
    products_held = models.PositiveSmallIntegerField(_("bank products held"), null=True, blank=True)
    contribution_score = models.PositiveSmallIntegerField(
        _("contribution score (0–100)"), null=True, blank=True, editable=False
    )
    value_tier = models.CharField(
        _("value tier"), max_length=20, choices=ValueTier.choices, blank=True
    )
    classified_on = models.DateField(_("classification reviewed on"), null=True, blank=True)
    # The day the relationship ended (lifecycle moved to churned); retention counts from here
    # (DOMAIN.md §8, §10). Set and cleared by `customer_update`, never typed in.
    relationship_ended_on = models.DateField(
        _("relationship ended on"), null=True, blank=True, editable=False
    )
    # Provenance of the profile (DOMAIN.md §2, "Data provenance").
    data_source = models.CharField(
        _("data source"), max_length=20, choices=DataSource.choices, default=DataSource.INTERNAL
    )
    verification_method = models.CharField(
        _("verification method"),
        max_length=20,
        choices=VerificationMethod.choices,
        default=VerificationMethod.NOT_VERIFIED,
    )
    verified = models.BooleanField(_("verified"), default=False)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("collected by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    collected_on = models.DateField(_("collected on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [
            ("import_customers", _("Can import customers from CSV/XLSX")),
            ("export_customers", _("Can export customers")),
            ("reassign_customer", _("Can reassign a customer's relationship manager")),
            ("view_sensitive", _("Can view sensitive personal numbers unmasked")),
            ("anonymise_customer", _("Can anonymise customers past retention")),
        ]
        indexes = [
            models.Index(fields=["relationship_manager", "name"], name="customer_rm_name"),
            models.Index(fields=["risk_level"], name="customer_risk_level"),
            # The default order of the list for users who see every customer.
            models.Index(fields=["name", "id"], name="customer_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(risk_score__isnull=True)
                | (Q(risk_score__gte=0) & Q(risk_score__lte=100)),
                name="customer_risk_score_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(uscc__regex=r"^[0-9A-HJ-NPQRTUWXY]{18}$"),
                name="customer_uscc_format",
            ),
            models.CheckConstraint(
                condition=Q(contribution_score__isnull=True) | Q(contribution_score__lte=100),
                name="customer_contribution_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(approved_credit__isnull=True) | Q(approved_credit__gte=0),
                name="customer_approved_credit_not_negative",
            ),
            models.CheckConstraint(
                condition=(Q(deposits__isnull=True) | Q(deposits__gte=0))
                & (Q(intermediate_income__isnull=True) | Q(intermediate_income__gte=0)),
                name="customer_contribution_inputs_not_negative",
            ),
        ]

    def __str__(self):
        return self.name


class CustomerGroup(models.Model):
    """A group of related companies (集团客户) whose exposure is watched as one."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer group")
        verbose_name_plural = _("customer groups")

    def __str__(self):
        return self.name


# Rows hanging off a customer share the one rule in crm/scoping.py.
CustomerPartQuerySet = CustomerOwnedQuerySet


class Contact(models.Model):
    """A person at the customer (联系人 / 关键决策者); phone and ID number encrypted at rest."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=30, choices=ContactRole.choices)
    department = models.CharField(_("department"), max_length=100, blank=True)
    position = models.CharField(_("position"), max_length=100, blank=True)
    is_decision_maker = models.BooleanField(_("decision maker"), default=False)
    # Position in the customer's internal approval chain (1 = first), DOMAIN.md §2.
    approval_order = models.PositiveSmallIntegerField(
        _("approval chain position"), null=True, blank=True
    )
    preferences = models.TextField(_("personal preferences"), blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    wechat = models.CharField(_("WeChat"), max_length=100, blank=True)
    id_number = EncryptedTextField(_("ID number"), blank=True)
    data_source = models.CharField(
        _("data source"), max_length=20, choices=DataSource.choices, default=DataSource.INTERNAL
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CustomerPartQuerySet.as_manager()

    class Meta:
        ordering = ["customer", "approval_order", "name", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


class FinancialStatement(models.Model):
    """Key figures of one reporting period and the ratios computed from them (ratios.py)."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="financial_statements",
    )
    period_end = models.DateField(_("period end"))
    revenue = models.DecimalField(_("revenue"), **MONEY)
    net_profit = models.DecimalField(_("net profit"), **MONEY, null=True, blank=True)
    total_assets = models.DecimalField(_("total assets"), **MONEY)
    total_liabilities = models.DecimalField(_("total liabilities"), **MONEY)
    current_assets = models.DecimalField(_("current assets"), **MONEY, null=True, blank=True)
    current_liabilities = models.DecimalField(
        _("current liabilities"), **MONEY, null=True, blank=True
    )
    inventory = models.DecimalField(_("inventory"), **MONEY, null=True, blank=True)
    operating_cash_flow = models.DecimalField(
        _("operating cash flow"), **MONEY, null=True, blank=True
    )
    interest_expense = models.DecimalField(_("interest expense"), **MONEY, null=True, blank=True)
    ebit = models.DecimalField(_("EBIT"), **MONEY, null=True, blank=True)
    # Computed by the service from the figures above and the previous period; never typed in.
    debt_to_asset = models.DecimalField(_("debt-to-asset ratio"), **RATIO, null=True, blank=True)
    current_ratio = models.DecimalField(_("current ratio"), **RATIO, null=True, blank=True)
    quick_ratio = models.DecimalField(_("quick ratio"), **RATIO, null=True, blank=True)
    interest_coverage = models.DecimalField(_("interest coverage"), **RATIO, null=True, blank=True)
    revenue_growth = models.DecimalField(_("revenue growth"), **RATIO, null=True, blank=True)
    audited = models.BooleanField(_("audited"), default=False)
    data_source = models.CharField(
        _("data source"), max_length=20, choices=DataSource.choices, default=DataSource.INTERNAL
    )
    verified = models.BooleanField(_("verified"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CustomerPartQuerySet.as_manager()

    class Meta:
        ordering = ["customer", "-period_end"]
        verbose_name = _("financial statement")
        verbose_name_plural = _("financial statements")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "period_end"], name="statement_one_per_customer_period"
            ),
            models.CheckConstraint(
                condition=Q(total_assets__gte=0) & Q(total_liabilities__gte=0),
                name="statement_balance_sheet_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.customer} {self.period_end}"


class CustomerRelation(models.Model):
    """A link between two customers: parent, subsidiary, affiliate, same controller, guarantor."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="relations"
    )
    related = models.ForeignKey(
        Customer,
        verbose_name=_("related customer"),
        on_delete=models.CASCADE,
        related_name="relations_in",
    )
    kind = models.CharField(_("relation"), max_length=20, choices=RelationKind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CustomerPartQuerySet.as_manager()

    class Meta:
        ordering = ["customer", "kind", "id"]
        verbose_name = _("related party")
        verbose_name_plural = _("related parties")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "related", "kind"], name="relation_unique_per_kind"
            ),
            models.CheckConstraint(
                condition=~Q(customer=models.F("related")), name="relation_not_to_itself"
            ),
        ]

    def __str__(self):
        return f"{self.customer} → {self.get_kind_display()} → {self.related}"


class Need(models.Model):
    """An entry of the needs register (客户需求库); importance × urgency gives the priority."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="needs"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NeedKind.choices)
    discovery_method = models.CharField(
        _("discovery method"), max_length=30, choices=DiscoveryMethod.choices
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    product_type = models.CharField(_("need type / product"), max_length=100, blank=True)
    amount = models.DecimalField(_("amount (CNY)"), **MONEY, null=True, blank=True)
    term_months = models.PositiveSmallIntegerField(_("term (months)"), null=True, blank=True)
    cooperation_potential = models.CharField(
        _("cooperation potential"), max_length=10, choices=Level.choices, default=Level.MEDIUM
    )
    importance = models.CharField(
        _("importance"), max_length=10, choices=Level.choices, default=Level.MEDIUM
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Level.choices, default=Level.MEDIUM
    )
    status = models.CharField(
        _("status"), max_length=20, choices=NeedStatus.choices, default=NeedStatus.IDENTIFIED
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="customer_needs",
    )
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CustomerPartQuerySet.as_manager()

    _WEIGHT = {Level.HIGH: 3, Level.MEDIUM: 2, Level.LOW: 1}

    class Meta:
        ordering = ["customer", "status", "-created_at"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0), name="need_amount_positive"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def priority(self) -> int:
        """Importance × urgency on a 1–9 scale (9 = do first)."""
        return self._WEIGHT[self.importance] * self._WEIGHT[self.urgency]


class OnboardingStep(models.Model):
    """One of the four onboarding steps (DOMAIN.md §3), recorded in order with its outcome."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="onboarding_steps",
    )
    step = models.PositiveSmallIntegerField(_("step"), choices=OnboardingStepCode.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Assessment.choices)
    notes = models.TextField(_("notes"), blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("completed at"), default=timezone.now)

    objects = CustomerPartQuerySet.as_manager()

    class Meta:
        ordering = ["customer", "step"]
        verbose_name = _("onboarding step")
        verbose_name_plural = _("onboarding steps")
        constraints = [
            models.UniqueConstraint(fields=["customer", "step"], name="onboarding_step_once"),
            models.CheckConstraint(
                condition=Q(step__gte=1) & Q(step__lte=4), name="onboarding_step_1_to_4"
            ),
        ]

    def __str__(self):
        return f"{self.customer} {self.get_step_display()}: {self.outcome}"


class CriterionAssessment(models.Model):
    """The assessment of one of the six identification criteria (DOMAIN.md §3)."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    criterion = models.CharField(_("criterion"), max_length=30, choices=Criterion.choices)
    assessment = models.CharField(_("assessment"), max_length=20, choices=Assessment.choices)
    notes = models.TextField(_("notes"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    assessed_at = models.DateTimeField(_("assessed at"), default=timezone.now)

    objects = CustomerPartQuerySet.as_manager()

    class Meta:
        ordering = ["customer", "criterion"]
        verbose_name = _("criterion assessment")
        verbose_name_plural = _("criterion assessments")
        constraints = [
            models.UniqueConstraint(fields=["customer", "criterion"], name="criterion_once"),
        ]

    def __str__(self):
        return f"{self.customer} {self.criterion}: {self.assessment}"


class CustomerChange(models.Model):
    """One recorded change of a customer field: old and new value, reason, who and when."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="changes"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ChangeKind.choices)
    # What changed when it is not the profile itself, e.g. "Contact Zhang Wei (#12)".
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    field = models.CharField(_("field"), max_length=50)
    old_value = models.CharField(_("old value"), max_length=300, blank=True)
    new_value = models.CharField(_("new value"), max_length=300, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    objects = CustomerPartQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("customer change")
        verbose_name_plural = _("customer changes")
        indexes = [models.Index(fields=["customer", "-changed_at"], name="change_customer_at")]

    def __str__(self):
        return f"{self.customer} {self.field}: {self.old_value} → {self.new_value}"


class SegmentationPolicy(models.Model):
    """Thresholds of the classification rules (DOMAIN.md §10); versioned: each edit is a new row.

    The newest row is in force; older rows say who changed what when.
    """

    review_interval_days = models.PositiveIntegerField(
        _("classification review interval (days)"), default=365
    )
    watch_review_interval_days = models.PositiveIntegerField(
        _("review interval for watch / high-risk customers (days)"), default=180
    )
    needs_review_days = models.PositiveIntegerField(_("needs review interval (days)"), default=180)
    key_credit_threshold = models.DecimalField(
        _("key customer: approved credit at least (CNY)"),
        **MONEY,
        default=Decimal("50000000.00"),
    )
    key_contribution_threshold = models.PositiveSmallIntegerField(
        _("key customer: contribution score at least"), default=80
    )
    high_value_top_percent = models.PositiveSmallIntegerField(
        _("high value: top % by contribution"), default=10
    )
    high_potential_min_contribution = models.PositiveSmallIntegerField(
        _("high potential: contribution score at least"), default=60
    )
    weight_loans = models.PositiveSmallIntegerField(_("contribution weight: loans (%)"), default=40)
    weight_deposits = models.PositiveSmallIntegerField(
        _("contribution weight: deposits (%)"), default=30
    )
    weight_intermediate_income = models.PositiveSmallIntegerField(
        _("contribution weight: intermediate income (%)"), default=20
    )
    weight_products = models.PositiveSmallIntegerField(
        _("contribution weight: products held (%)"), default=10
    )
    # The amount at which a component earns full marks (contribution = Σ weight × min(1, x/full)).
    full_marks_loans = models.DecimalField(
        _("contribution: loan exposure at full marks (CNY)"),
        **MONEY,
        default=Decimal("100000000.00"),
    )
    full_marks_deposits = models.DecimalField(
        _("contribution: deposits at full marks (CNY)"), **MONEY, default=Decimal("50000000.00")
    )
    full_marks_intermediate_income = models.DecimalField(
        _("contribution: intermediate income at full marks (CNY)"),
        **MONEY,
        default=Decimal("1000000.00"),
    )
    full_marks_products = models.PositiveSmallIntegerField(
        _("contribution: products held at full marks"), default=10
    )
    # Segment rule (docs/adr/0003-segmentation-rules.md).
    premium_min_contribution = models.PositiveSmallIntegerField(
        _("premium segment: contribution score at least"), default=70
    )
    potential_min_contribution = models.PositiveSmallIntegerField(
        _("potential segment: contribution score at least"), default=40
    )
    # Lifecycle rule.
    established_after_months = models.PositiveSmallIntegerField(
        _("new → established: months since the first disbursement"), default=12
    )
    churn_inactive_days = models.PositiveIntegerField(
        _("at risk: days without an active loan, transaction or contact"), default=180
    )
    churn_renewal_days = models.PositiveIntegerField(
        _("at risk: days after the last maturity without a renewal"), default=30
    )
    note = models.CharField(_("reason for the change"), max_length=300, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("segmentation policy")
        verbose_name_plural = _("segmentation policy versions")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_loans__lte=100)
                & Q(weight_deposits__lte=100)
                & Q(weight_intermediate_income__lte=100)
                & Q(weight_products__lte=100),
                name="segmentation_weights_percent",
            ),
            models.CheckConstraint(
                condition=Q(high_value_top_percent__gte=1) & Q(high_value_top_percent__lte=100),
                name="segmentation_top_percent_1_to_100",
            ),
            models.CheckConstraint(
                condition=Q(key_contribution_threshold__lte=100)
                & Q(high_potential_min_contribution__lte=100),
                name="segmentation_scores_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(premium_min_contribution__lte=100)
                & Q(potential_min_contribution__lte=100),
                name="segmentation_segment_scores_0_to_100",
            ),
            models.CheckConstraint(
                condition=Q(full_marks_loans__gt=0)
                & Q(full_marks_deposits__gt=0)
                & Q(full_marks_intermediate_income__gt=0)
                & Q(full_marks_products__gt=0),
                name="segmentation_full_marks_positive",
            ),
        ]

    def __str__(self):
        return f"{self._meta.verbose_name} {self.changed_at:%Y-%m-%d %H:%M}"

    def clean(self):
        total = (
            self.weight_loans
            + self.weight_deposits
            + self.weight_intermediate_income
            + self.weight_products
        )
        errors = {}
        if total != 100:
            errors["weight_products"] = _("The four contribution weights must add up to 100.")
        if self.potential_min_contribution > self.premium_min_contribution:
            errors["potential_min_contribution"] = _(
                "The potential threshold cannot be above the premium threshold."
            )
        if errors:
            raise ValidationError(errors)

    @classmethod
    def current(cls) -> "SegmentationPolicy":
        """The policy in force: the newest version, or the §10 defaults when none was saved.

        Read on every page that shows a review date: cached until a version is saved
        (crm/config_cache.py).
        """
        return _current_segmentation_policy()


@config_cache("segmentation-policy", SegmentationPolicy)
def _current_segmentation_policy() -> SegmentationPolicy:
    return SegmentationPolicy.objects.order_by("-changed_at", "-id").first() or SegmentationPolicy()
