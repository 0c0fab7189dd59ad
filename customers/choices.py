"""Choices of the customer profile (API.md, Customers; DOMAIN.md §2–3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalForm(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise legal person (企业法人)")
    INDIVIDUAL_BUSINESS = "individual_business", _("Individual business (个体工商户)")


class CompanySize(models.TextChoices):
    LARGE = "large", _("Large (大型)")
    MEDIUM = "medium", _("Medium (中型)")
    SMALL = "small", _("Small (小型)")
    MICRO = "micro", _("Micro (微型)")


class RegionTier(models.TextChoices):
    TIER_1 = "tier1", _("Tier-1 city (一线)")
    TIER_2_3 = "tier2_3", _("Tier-2/3 city (二三线)")
    RURAL = "rural", _("Rural (农村)")


class Tier(models.TextChoices):
    KEY = "key", _("Key customer (重点客户)")
    GENERAL = "general", _("General customer (一般客户)")


class Segment(models.TextChoices):
    PREMIUM = "premium", _("Premium (优质)")
    POTENTIAL = "potential", _("Potential (潜力)")
    RISK = "risk", _("Risk (风险)")
    MASS_MARKET = "mass_market", _("Mass market (大众市场)")


class LifecycleStage(models.TextChoices):
    PROSPECT = "prospect", _("Prospect (潜在)")
    NEW = "new", _("New (新客户)")
    ESTABLISHED = "established", _("Established (老客户)")
    AT_RISK = "at_risk", _("At risk of churn (潜在流失)")
    CHURNED = "churned", _("Churned (已流失)")


class CreditGrade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent (优质)")
    GOOD = "good", _("Good (良好)")
    WATCH = "watch", _("Watch (关注)")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low (低)")
    MEDIUM = "medium", _("Medium (中)")
    HIGH = "high", _("High (高)")
