"""Choices of products, applications, loans and repayments (API.md, Loan applications and loans)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import schedule


class LoanPurpose(models.TextChoices):
    WORKING_CAPITAL = "working_capital", _("Working capital (营运资金贷款)")
    FIXED_ASSET = "fixed_asset", _("Fixed asset (固定资产贷款)")
    PROJECT = "project", _("Investment project (投资项目贷款)")


class RepaymentMethod(models.TextChoices):
    EQUAL_INSTALLMENT = schedule.EQUAL_INSTALLMENT, _("Equal installment (等额本息)")
    EQUAL_PRINCIPAL = schedule.EQUAL_PRINCIPAL, _("Equal principal (等额本金)")
    INTEREST_ONLY = (
        schedule.INTEREST_ONLY,
        _("Interest only, principal at maturity (按期付息到期还本)"),
    )
    BULLET = schedule.BULLET, _("Bullet (到期一次还本付息)")


class GuaranteeMethod(models.TextChoices):
    CREDIT = "credit", _("Credit, unsecured (信用)")
    COLLATERAL = "collateral", _("Collateral (抵押)")
    GUARANTEE = "guarantee", _("Guarantee (担保)")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (草稿)")
    SUBMITTED = "submitted", _("Submitted (已提交)")
    UNDER_REVIEW = "under_review", _("Under review (审批中)")
    RETURNED = "returned", _("Returned for changes (退回补充)")
    APPROVED = "approved", _("Approved (已批准)")
    REJECTED = "rejected", _("Rejected (已拒绝)")
    CONTRACT_SIGNED = "contract_signed", _("Contract signed (合同已签订)")
    DISBURSED = "disbursed", _("Disbursed (已放款)")


# Statuses in which an approver or risk officer still has something to decide.
PENDING_DECISION = (ApplicationStatus.SUBMITTED, ApplicationStatus.UNDER_REVIEW)
# Statuses in which the maker may edit the terms, collateral and guarantors.
EDITABLE = (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)


class ApplicationAction(models.TextChoices):
    CREATE = "create", _("Create")
    SUBMIT = "submit", _("Submit")
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    RETURN = "return", _("Return for changes")
    RISK_SIGN_OFF = "risk-sign-off", _("Risk sign-off")
    SIGN_CONTRACT = "sign-contract", _("Sign contract")
    DISBURSE = "disburse", _("Disburse")
    MATERIALS = "materials", _("Materials checklist updated")


class ApprovalKind(models.TextChoices):
    APPROVAL = "approval", _("Credit approval (信贷审批)")
    RISK_SIGN_OFF = "risk_sign_off", _("Risk sign-off (风险会签)")


class ApprovalDecision(models.TextChoices):
    APPROVE = "approve", _("Approve (同意)")
    APPROVE_WITH_CONDITIONS = "approve_with_conditions", _("Approve with conditions (附条件同意)")
    RETURN = "return", _("Return (退回)")
    REJECT = "reject", _("Reject (否决)")
    SIGN_OFF = "sign_off", _("Signed off (会签同意)")


class CollateralType(models.TextChoices):
    REAL_ESTATE = "real_estate", _("Real estate (房产)")
    EQUIPMENT = "equipment", _("Equipment (设备)")
    EQUITY = "equity", _("Equity (股权)")
    RECEIVABLES = "receivables", _("Receivables (应收账款)")
    OTHER = "other", _("Other (其他)")


class SecurityInterest(models.TextChoices):
    MORTGAGE = "mortgage", _("Mortgage (抵押)")
    PLEDGE = "pledge", _("Pledge (质押)")


class GuarantorKind(models.TextChoices):
    INSTITUTION = "institution", _("Institution (机构)")
    INDIVIDUAL = "individual", _("Individual (个人)")


class Material(models.TextChoices):
    """The materials checklist of an application (资料清单)."""

    BUSINESS_LICENCE = "business_licence", _("Business licence (营业执照)")
    ARTICLES = "articles", _("Articles of association (公司章程)")
    FINANCIAL_STATEMENTS = (
        "financial_statements",
        _("Financial statements, 3 years (近三年财务报表)"),
    )
    BANK_STATEMENTS = "bank_statements", _("Bank statements (银行流水)")
    TAX_RECORDS = "tax_records", _("Tax records (纳税记录)")
    BOARD_RESOLUTION = "board_resolution", _("Board resolution (董事会决议)")
    USE_OF_FUNDS = "use_of_funds", _("Use-of-funds evidence (用款证明)")
    COLLATERAL_DOCUMENTS = "collateral_documents", _("Collateral documents (抵押物权属证明)")
    GUARANTEE_DOCUMENTS = "guarantee_documents", _("Guarantee documents (担保文件)")


class LoanStatus(models.TextChoices):
    ACTIVE = "active", _("Active (还款中)")
    SETTLED = "settled", _("Settled (已结清)")


class InstallmentStatus(models.TextChoices):
    DUE = "due", _("Due (待还)")
    PAID = "paid", _("Paid (已还)")
    PARTIALLY_PAID = "partially_paid", _("Partially paid (部分已还)")
    OVERDUE = "overdue", _("Overdue (逾期)")


class Classification(models.TextChoices):
    NORMAL = schedule.NORMAL, _("Normal (正常)")
    SPECIAL_MENTION = schedule.SPECIAL_MENTION, _("Special mention (关注)")
    SUBSTANDARD = schedule.SUBSTANDARD, _("Substandard (次级)")
    DOUBTFUL = schedule.DOUBTFUL, _("Doubtful (可疑)")
    LOSS = schedule.LOSS, _("Loss (损失)")


class ClassificationSource(models.TextChoices):
    FLOOR = "floor", _("Regulatory floor from days past due (逾期天数)")
    MANUAL = "manual", _("Approved proposal")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Pending (待审批)")
    APPROVED = "approved", _("Approved (已批准)")
    REJECTED = "rejected", _("Rejected (已拒绝)")
