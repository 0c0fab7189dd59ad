"""Choices of the data-protection app (DOMAIN.md §8)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataCategory(models.TextChoices):
    """The four information categories of DOMAIN.md §2: what a consent or a share covers."""

    BASIC = "basic", _("Basic (基础信息)")
    TRANSACTION = "transaction", _("Transaction (交易信息)")
    BEHAVIOURAL = "behavioural", _("Behavioural (行为信息)")
    RISK = "risk", _("Risk (风险信息)")


class ConsentPurpose(models.TextChoices):
    """What the person agreed their data may be used for (告知同意: purpose)."""

    CREDIT_ASSESSMENT = "credit_assessment", _("Credit assessment (授信审查)")
    CREDIT_REPORT = "credit_report", _("Credit-report query (征信查询)")
    LOAN_SERVICING = "loan_servicing", _("Loan servicing and reminders (贷后管理)")
    CUSTOMER_CARE = "customer_care", _("Customer care (客户关怀)")
    MARKETING = "marketing", _("Marketing (营销)")
    THIRD_PARTY = "third_party", _("Provision to third parties (向第三方提供)")


class ShareGround(models.TextChoices):
    """The only four legal grounds on which personal data may be shared (DOMAIN.md §8)."""

    CONSENT = "consent", _("Customer consent (客户同意)")
    LAW = "law", _("Laws and regulations (法律法规)")
    SYSTEM_EXCHANGE = "system_exchange", _("Data exchange between business systems (业务系统交换)")
    REGULATOR = "regulator", _("Regulator request (监管要求)")


class ShareMethod(models.TextChoices):
    """How the data left the bank's hands."""

    SYSTEM_INTERFACE = "system_interface", _("System interface (系统接口)")
    ENCRYPTED_FILE = "encrypted_file", _("Encrypted file (加密文件)")
    PAPER = "paper", _("Paper documents (纸质材料)")
    ON_SITE = "on_site", _("On-site inspection (现场查阅)")
    OTHER = "other", _("Other (其他)")


class RetentionStatus(models.TextChoices):
    """Where a customer flagged by the retention job stands."""

    FLAGGED = "flagged", _("Past retention: awaiting confirmation (待确认)")
    ANONYMISED = "anonymised", _("Anonymised (已匿名化)")
    CLEARED = "cleared", _("No longer due: relationship resumed (已撤销)")
