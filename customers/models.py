"""Corporate customers and the industry reference table."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.scoping import ScopedQuerySet

from .choices import (
    CompanySize,
    CreditGrade,
    LegalForm,
    LifecycleStage,
    RegionTier,
    RiskLevel,
    Segment,
    Tier,
)


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
        _("unified social credit code (统一社会信用代码)"), max_length=18, unique=True
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
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            models.Index(fields=["relationship_manager", "name"], name="customer_rm_name"),
            models.Index(fields=["risk_level"], name="customer_risk_level"),
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
        ]

    def __str__(self):
        return self.name
