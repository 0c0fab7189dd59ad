"""Choices of interactions and tasks."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class TaskKind(models.TextChoices):
    FOLLOW_UP = "follow_up", _("Follow-up")
    LOAN_APPLICATION = "loan_application", _("Loan application update")
    REPAYMENT = "repayment", _("Repayment")
    ALERT = "alert", _("Risk alert")
    VISIT = "visit", _("Visit")
    CARE = "care", _("Customer care")
    SERVICE_REQUEST = "service_request", _("Service request")
    REVIEW = "review", _("Review")


class Channel(models.TextChoices):
    """How the contact happened (DOMAIN.md §6; corporate default: phone or email)."""

    PHONE = "phone", _("Phone (电话)")
    EMAIL = "email", _("Email (邮件)")
    SMS = "sms", _("SMS (短信)")
    WECHAT = "wechat", _("WeChat (微信)")
    ONSITE_VISIT = "onsite_visit", _("On-site visit (上门拜访)")
    MEETING = "meeting", _("Face-to-face meeting (面谈)")
    VIDEO = "video", _("Video conference (视频会议)")
    BRANCH = "branch", _("Branch (营业网点)")
    ONLINE = "online", _("Online platform / website (线上平台)")
    APP = "app", _("APP / internet banking (网银)")
    SOCIAL = "social", _("Social media (微博)")
    HOTLINE = "hotline", _("Hotline (热线)")
    EVENT = "event", _("Industry event (研讨会 / 展览会 / 论坛)")
    SALON = "salon", _("Client salon (客户沙龙)")
    LECTURE = "lecture", _("Lecture (讲座)")
    PROMOTION = "promotion", _("Product promotion (产品推介会)")
    AUTOMATIC = "automatic", _("Automatic notice (自动通知)")


# Channels on which the RM reaches out: they count towards the "not too often" guard.
PROACTIVE_CHANNELS = frozenset(
    {
        Channel.PHONE,
        Channel.EMAIL,
        Channel.SMS,
        Channel.WECHAT,
        Channel.ONSITE_VISIT,
        Channel.MEETING,
        Channel.VIDEO,
    }
)


class Purpose(models.TextChoices):
    """Why the contact happened (DOMAIN.md §6)."""

    NEEDS_INTERVIEW = "needs_interview", _("Needs interview (需求访谈)")
    RETURN_VISIT = "return_visit", _("Return visit (回访)")
    REGULAR_VISIT = "regular_visit", _("Regular visit (拜访)")
    APPROVAL_FEEDBACK = "approval_feedback", _("Approval-progress feedback (审批进度反馈)")
    REPAYMENT_REMINDER = "repayment_reminder", _("Repayment reminder (还款提醒)")
    MATURITY_REMINDER = "maturity_reminder", _("Maturity / renewal reminder (到期续贷提醒)")
    RATE_CHANGE = "rate_change", _("Rate-change notice (利率变动通知)")
    RISK_EXPLANATION = "risk_explanation", _("Risk-measure explanation (风险措施说明)")
    PRODUCT_RECOMMENDATION = "product_recommendation", _("Product recommendation (产品推荐)")
    INFORMATION_SHARING = "information_sharing", _("Information sharing (信息分享)")
    PROBLEM_SOLVING = "problem_solving", _("Problem solving (问题解决)")
    SATISFACTION_CHECK = "satisfaction_check", _("Satisfaction check (满意度回访)")
    CARE = "care", _("Care (关怀)")
    VALUE_ADDED = "value_added", _("Value-added service (增值服务)")


class LoanStage(models.TextChoices):
    """The customer's loan stage, which sets the contact interval (DOMAIN.md §6)."""

    APPLICATION = "application", _("Application (申请)")
    APPROVAL = "approval", _("Approval (审批)")
    POST_LOAN = "post_loan", _("Post-loan (贷后)")


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned (计划中)")
    DONE = "done", _("Done (已完成)")
    MISSED = "missed", _("Missed (已错过)")
    CANCELLED = "cancelled", _("Cancelled (已取消)")


class RequestKind(models.TextChoices):
    """Feedback types (DOMAIN.md §7)."""

    COMPLAINT = "complaint", _("Complaint (投诉)")
    SUGGESTION = "suggestion", _("Suggestion (建议)")
    INQUIRY = "inquiry", _("Inquiry (咨询)")
    OPINION = "opinion", _("Opinion (意见)")
    EVALUATION = "evaluation", _("Evaluation (评价)")
    SERVICE_REQUEST = "service_request", _("Service request (服务请求)")


class Polarity(models.TextChoices):
    POSITIVE = "positive", _("Positive (正面)")
    NEUTRAL = "neutral", _("Neutral (中性)")
    NEGATIVE = "negative", _("Negative (负面)")


class Level(models.TextChoices):
    """Importance and urgency (高 / 中 / 低)."""

    HIGH = "high", _("High (高)")
    MEDIUM = "medium", _("Medium (中)")
    LOW = "low", _("Low (低)")


class RequestStatus(models.TextChoices):
    """The closed-loop flow of DOMAIN.md §7, in order."""

    RECEIVED = "received", _("Received (已受理)")
    CLASSIFIED = "classified", _("Classified (已分类)")
    ANALYSED = "analysed", _("Analysed (已分析)")
    ASSIGNED = "assigned", _("Assigned (已分派)")
    IN_PROGRESS = "in_progress", _("In progress (处理中)")
    REPLIED = "replied", _("Replied (已答复)")
    CLOSED = "closed", _("Closed (已关闭)")


class RequestEventKind(models.TextChoices):
    TRANSITION = "transition", _("Status change")
    PROGRESS = "progress", _("Progress update to the customer")
    ESCALATION = "escalation", _("Escalation")
    SLA_BREACH = "sla_breach", _("SLA breach")
    UPDATE = "update", _("Classification changed")


class Satisfaction(models.TextChoices):
    """The customer's satisfaction with a resolution, required to close."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied (非常满意)")
    SATISFIED = "satisfied", _("Satisfied (满意)")
    NEUTRAL = "neutral", _("Neutral (一般)")
    DISSATISFIED = "dissatisfied", _("Dissatisfied (不满意)")


class SurveyDimension(models.TextChoices):
    """The default survey template's CSAT dimensions (DOMAIN.md §7), codes fixed by API.md."""

    PRODUCT_PERFORMANCE = "product_performance", _("Product performance (贷款产品的性能)")
    SERVICE_EFFICIENCY = "service_efficiency", _("Service efficiency (服务效率)")
    STAFF_ATTITUDE = "staff_attitude", _("Staff attitude (员工服务态度)")
    RESOLUTION_SPEED = "resolution_speed", _("Resolution speed (问题解决速度)")
    APPLICATION_CONVENIENCE = (
        "application_convenience",
        _("Application convenience (申请流程便捷性)"),
    )
    APPROVAL_SPEED = "approval_speed", _("Approval speed (审批速度)")
    INTEREST_RATE = "interest_rate", _("Interest rate (贷款利率)")
    SERVICE_CONTENT = "service_content", _("Service content (服务内容)")
    SERVICE_RESULT = "service_result", _("Service result (服务结果)")


class SurveyChannel(models.TextChoices):
    ONLINE = "online", _("Email / online (邮件 / 在线)")
    PAPER = "paper", _("Paper (纸质)")
    INTERVIEW = "interview", _("Face-to-face or phone interview (访谈)")
    RATING = "rating", _("Online rating (在线评分)")
    IMPORT = "import", _("Imported (导入)")


class ImprovementStatus(models.TextChoices):
    """The improvement loop of DOMAIN.md §7, condensed to what is tracked."""

    PLANNED = "planned", _("Planned (已制定措施)")
    IMPLEMENTING = "implementing", _("Implementing and monitoring (实施监控)")
    VERIFIED = "verified", _("Verified (已验证)")
    CANCELLED = "cancelled", _("Cancelled (已取消)")
