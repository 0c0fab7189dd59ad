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


class EntityType(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise (企业)")
    INSTITUTION = "institution", _("Public institution (事业单位)")
    GOVERNMENT = "government", _("Government agency (政府机关)")
    OTHER = "other", _("Other legal entity (其他组织)")


class ValueTier(models.TextChoices):
    HIGH_VALUE = "high_value", _("High value (高价值客户)")
    HIGH_POTENTIAL = "high_potential", _("High potential (高潜力客户)")
    QUALITY = "quality", _("Quality group (优质客户群)")
    STANDARD = "standard", _("Standard (一般)")


class DataSource(models.TextChoices):
    PUBLIC = "public", _("Public channels (公开信息渠道)")
    PARTNER = "partner", _("Partners (合作伙伴)")
    INTERNAL = "internal", _("Internal data (内部数据)")


class VerificationMethod(models.TextChoices):
    CUSTOMER_DOCUMENT = "customer_document", _("Customer document (客户提供文件)")
    OFFICIAL_CHANNEL = "official_channel", _("Official channel (官方渠道)")
    NOT_VERIFIED = "not_verified", _("Not verified (未核实)")


class ContactRole(models.TextChoices):
    LEGAL_REPRESENTATIVE = "legal_representative", _("Legal representative (法定代表人)")
    ACTUAL_CONTROLLER = "actual_controller", _("Actual controller (实际控制人)")
    DECISION_MAKER = "decision_maker", _("Key decision maker (关键决策者)")
    MANAGEMENT = "management", _("Management (管理层)")
    FINANCE = "finance", _("Finance (财务)")
    OTHER = "other", _("Other (其他)")


class RelationKind(models.TextChoices):
    PARENT = "parent", _("Parent of (母公司)")
    SUBSIDIARY = "subsidiary", _("Subsidiary of (子公司)")
    AFFILIATE = "affiliate", _("Affiliate (关联企业)")
    SAME_CONTROLLER = "same_controller", _("Same actual controller (同一实际控制人)")
    GUARANTOR_OF = "guarantor_of", _("Guarantor of (为其担保)")


class NeedKind(models.TextChoices):
    BUSINESS = "business", _("Business need (业务需求)")
    SERVICE_EXPECTATION = "service_expectation", _("Service expectation (服务期望)")
    PAIN_POINT = "pain_point", _("Pain point (痛点)")
    LATENT = "latent", _("Latent need (潜在需求)")
    CONCERN = "concern", _("Concern (关注点)")
    FUTURE_COOPERATION = "future_cooperation", _("Future cooperation (未来合作期望)")


class DiscoveryMethod(models.TextChoices):
    INTERVIEW = "interview", _("Interview (访谈)")
    SEMINAR = "seminar", _("Seminar (座谈会)")
    QUESTIONNAIRE = "questionnaire", _("Questionnaire (问卷)")
    ONLINE_INTERVIEW = "online_interview", _("Online interview (在线访谈)")
    DATA_MINING = "data_mining", _("Data mining (数据挖掘)")
    INDUSTRY_ANALYSIS = "industry_analysis", _("Industry analysis (行业分析)")
    SITE_VISIT = "site_visit", _("On-site visit (实地走访)")


class Level(models.TextChoices):
    HIGH = "high", _("High (高)")
    MEDIUM = "medium", _("Medium (中)")
    LOW = "low", _("Low (低)")


class NeedStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified (已识别)")
    PLANNED = "planned", _("Planned (已规划)")
    FULFILLED = "fulfilled", _("Fulfilled (已满足)")
    OBSOLETE = "obsolete", _("Obsolete (已失效)")


class OnboardingStepCode(models.IntegerChoices):
    MARKET_RESEARCH = 1, _("1. Market research (市场调研与分析)")
    INFORMATION_COLLECTION = 2, _("2. Information collection (信息收集与整理)")
    RISK_SCREENING = 3, _("3. Risk screening (风险评估与筛选)")
    IN_DEPTH_TALKS = 4, _("4. In-depth talks (深度沟通与交流)")


class Criterion(models.TextChoices):
    INDUSTRY = "industry", _("Industry position (行业定位)")
    STABILITY = "stability", _("Operating stability (经营稳定性)")
    CREDIT = "credit", _("Credit status (信用状况)")
    REPAYMENT_CAPACITY = "repayment_capacity", _("Repayment capacity (偿债能力)")
    COOPERATION_POTENTIAL = "cooperation_potential", _("Cooperation potential (合作潜力)")
    CONTRIBUTION = "contribution", _("Overall contribution (综合贡献度)")


class Assessment(models.TextChoices):
    PASS = "pass", _("Pass (通过)")
    CONDITIONAL = "conditional", _("Conditional (有条件通过)")
    FAIL = "fail", _("Fail (不通过)")


class ChangeKind(models.TextChoices):
    CLASSIFICATION = "classification", _("Classification (分类)")
    OWNER = "owner", _("Owner (客户经理)")
    PROFILE = "profile", _("Profile (档案)")
    CONTACT = "contact", _("Contact (联系人)")
    STATEMENT = "statement", _("Financial statement (财务报表)")
