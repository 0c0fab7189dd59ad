"""Contact history, follow-up tasks, cadence policy, visits, service requests and surveys."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.roles import Role, has_role
from crm.scoping import CustomerOwnedQuerySet, ScopedQuerySet
from customers.choices import RiskLevel, Tier

from .choices import (
    Channel,
    ImprovementStatus,
    Level,
    LoanStage,
    Polarity,
    Purpose,
    RequestEventKind,
    RequestKind,
    RequestStatus,
    Satisfaction,
    SurveyChannel,
    SurveyDimension,
    TaskKind,
    TaskStatus,
    VisitStatus,
)


class TaskQuerySet(ScopedQuerySet):
    """Tasks; scoped by their owner (an RM sees theirs, a lead their team's)."""

    owner_path = "owner"

    def visible_to(self, user):
        """A task is personal: its owner, the owner's team lead and admins see it.

        Approvers and risk officers see every customer, but not everybody's to-do list.
        """
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser or user.is_staff:
            return self
        q = Q(owner=user)
        if has_role(user, Role.TEAM_LEAD):
            q |= Q(owner__team__lead=user)
        return self.filter(q)

    def open(self):
        """Tasks still to do."""
        return self.filter(status=TaskStatus.OPEN)


class Task(models.Model):
    """A follow-up for a member of staff, usually about a customer, with a due date."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
    )
    kind = models.CharField(
        _("kind"), max_length=30, choices=TaskKind.choices, default=TaskKind.FOLLOW_UP
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    # Idempotency key for tasks created by jobs and services ("loan-application:12:event:40"):
    # creating the same task twice returns the existing one.
    source_key = models.CharField(_("source"), max_length=120, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(
                fields=["owner", "due_date"], name="task_open_owner_due", condition=Q(status="open")
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", completed_at__isnull=False) | ~Q(status="done"),
                name="task_done_has_completed_at",
            )
        ]

    def __str__(self):
        return self.title


# Rows hanging off a customer share the one rule in crm/scoping.py.
CustomerScopedQuerySet = CustomerOwnedQuerySet


class Interaction(models.Model):
    """One contact with a customer: who, when, how, why, what was learnt and what comes next."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="interactions",
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    occurred_at = models.DateTimeField(_("occurred at"))
    loan_stage = models.CharField(
        _("loan stage"), max_length=20, choices=LoanStage.choices, blank=True
    )
    summary = models.TextField(_("summary"))
    situation = models.TextField(_("customer's situation (经营状况和生活情况)"), blank=True)
    findings = models.TextField(_("findings: new needs, market intelligence"), blank=True)
    contacts = models.ManyToManyField(
        "customers.Contact",
        verbose_name=_("customer contacts"),
        blank=True,
        related_name="interactions",
    )
    # Anyone else present who is not on file as a contact (a supplier, an auditor): free text,
    # one per line.
    contact_names = models.TextField(_("others present"), blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bank staff"),
        blank=True,
        related_name="interactions_attended",
    )
    next_action = models.CharField(_("next action"), max_length=200, blank=True)
    next_action_due = models.DateField(_("next action due"), null=True, blank=True)
    follow_up_task = models.OneToOneField(
        Task,
        verbose_name=_("follow-up task"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="interaction",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CustomerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [
            models.Index(fields=["customer", "-occurred_at"], name="interaction_customer_time"),
            # The last on-site visit of each customer (visit cadence: worklist, nightly job).
            models.Index(
                fields=["customer", "-occurred_at"],
                condition=models.Q(channel="onsite_visit"),
                name="interaction_customer_visit",
            ),
            # The unscoped list (risk officers, approvers, the API) in its default order.
            models.Index(fields=["-occurred_at", "-id"], name="interaction_time"),
        ]
        constraints = [
            # A next action without a date would never reach anybody's worklist.
            models.CheckConstraint(
                condition=Q(next_action="") | Q(next_action_due__isnull=False),
                name="interaction_next_action_has_due",
            )
        ]

    def __str__(self):
        return f"{self.customer} {self.get_channel_display()} {self.occurred_at:%Y-%m-%d}"

    @property
    def other_participants(self) -> list[str]:
        """The free-text participants (`contact_names`) as a list."""
        return [line.strip() for line in self.contact_names.splitlines() if line.strip()]


class ContactPolicy(models.Model):
    """The minimum contact interval for one loan stage × tier × risk level (DOMAIN.md §10)."""

    loan_stage = models.CharField(_("loan stage"), max_length=20, choices=LoanStage.choices)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    interval_days = models.PositiveSmallIntegerField(
        _("contact at least every (days)"), validators=[MinValueValidator(1)]
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["loan_stage", "tier", "risk_level"]
        verbose_name = _("contact interval")
        verbose_name_plural = _("contact intervals")
        constraints = [
            models.UniqueConstraint(
                fields=["loan_stage", "tier", "risk_level"], name="contact_policy_unique"
            ),
            models.CheckConstraint(
                condition=Q(interval_days__gte=1), name="contact_policy_interval_positive"
            ),
        ]

    def __str__(self):
        return f"{self.loan_stage}/{self.tier}/{self.risk_level}: {self.interval_days} d"


class VisitPolicy(models.Model):
    """How often a tier gets an on-site visit (DOMAIN.md §10: key 90 d, others 180 d)."""

    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, unique=True)
    interval_days = models.PositiveSmallIntegerField(
        _("on-site visit at least every (days)"), validators=[MinValueValidator(1)]
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["tier"]
        verbose_name = _("on-site visit interval")
        verbose_name_plural = _("on-site visit intervals")
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_days__gte=1), name="visit_policy_interval_positive"
            ),
        ]

    def __str__(self):
        return f"{self.tier}: {self.interval_days} d"


class ContactIntervalOverride(models.Model):
    """A per-customer contact interval that replaces the policy (DOMAIN.md §6)."""

    customer = models.OneToOneField(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="contact_interval_override",
    )
    interval_days = models.PositiveSmallIntegerField(
        _("contact at least every (days)"), validators=[MinValueValidator(1)]
    )
    reason = models.CharField(_("reason"), max_length=200)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CustomerScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact interval override")
        verbose_name_plural = _("contact interval overrides")
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_days__gte=1), name="contact_override_interval_positive"
            ),
        ]

    def __str__(self):
        return f"{self.customer}: {self.interval_days} d"


class VisitPlan(models.Model):
    """A planned visit: date, agenda, preparation, participants and afterwards the outcome."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="visit_plans",
    )
    planned_for = models.DateField(_("planned for"))
    agenda = models.TextField(_("agenda"))
    preparation = models.TextField(_("preparation (提前准备)"), blank=True)
    itinerary = models.CharField(_("itinerary"), max_length=200, blank=True)
    contacts = models.ManyToManyField(
        "customers.Contact",
        verbose_name=_("customer contacts"),
        blank=True,
        related_name="visit_plans",
    )
    contact_names = models.TextField(_("others present"), blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bank staff"),
        blank=True,
        related_name="visit_plans",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    outcome = models.TextField(_("outcome"), blank=True)
    interaction = models.OneToOneField(
        Interaction,
        verbose_name=_("visit record"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visit_plan",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("planned by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CustomerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["planned_for", "id"]
        verbose_name = _("visit plan")
        verbose_name_plural = _("visit plans")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(outcome=""), name="visit_done_has_outcome"
            )
        ]

    def __str__(self):
        return f"{self.customer} {self.planned_for}"

    @property
    def other_participants(self) -> list[str]:
        """The free-text participants (`contact_names`) as a list."""
        return [line.strip() for line in self.contact_names.splitlines() if line.strip()]


class SlaPolicy(models.Model):
    """Service-level targets for one request kind (DOMAIN.md §7 and §10), admin-editable."""

    kind = models.CharField(_("kind"), max_length=20, choices=RequestKind.choices, unique=True)
    first_handling_hours = models.PositiveSmallIntegerField(_("first handling within (hours)"))
    reply_hours = models.PositiveSmallIntegerField(_("reply within (hours)"))
    urgent_first_handling_hours = models.PositiveSmallIntegerField(
        _("urgent items: first handling within (hours)")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(first_handling_hours__gte=1)
                & Q(reply_hours__gte=models.F("first_handling_hours"))
                & Q(urgent_first_handling_hours__gte=1),
                name="sla_policy_hours_ordered",
            )
        ]

    def __str__(self):
        return f"{self.kind}: {self.first_handling_hours} h / {self.reply_hours} h"


class ServiceRequest(models.Model):
    """A complaint, suggestion, inquiry or service request, handled through a closed loop."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="service_requests",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RequestKind.choices)
    polarity = models.CharField(
        _("polarity"), max_length=10, choices=Polarity.choices, default=Polarity.NEUTRAL
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.PHONE
    )
    business_line = models.CharField(_("business line (业务线)"), max_length=100, blank=True)
    product_type = models.CharField(_("product type (产品类型)"), max_length=100, blank=True)
    service_stage = models.CharField(_("service stage (服务环节)"), max_length=100, blank=True)
    cause_category = models.CharField(_("cause category"), max_length=100, blank=True)
    importance = models.CharField(
        _("importance"), max_length=10, choices=Level.choices, default=Level.MEDIUM
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Level.choices, default=Level.MEDIUM
    )
    summary = models.TextField(_("summary"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner (责任人)"),
        on_delete=models.PROTECT,
        related_name="service_requests",
    )
    department = models.CharField(_("department"), max_length=100, blank=True)
    action_plan = models.TextField(_("action plan"), blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    received_at = models.DateTimeField(_("received at"))
    first_handling_due_at = models.DateTimeField(_("first handling due at"))
    reply_due_at = models.DateTimeField(_("reply due at"))
    classified_at = models.DateTimeField(_("classified at"), null=True, blank=True)
    analysed_at = models.DateTimeField(_("analysed at"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    in_progress_at = models.DateTimeField(_("in progress since"), null=True, blank=True)
    first_handled_at = models.DateTimeField(_("first handled at"), null=True, blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    customer_satisfaction = models.CharField(
        _("customer's satisfaction with the result"),
        max_length=20,
        choices=Satisfaction.choices,
        blank=True,
    )
    effect_evaluation = models.TextField(_("effect evaluation (效果评估)"), blank=True)
    sla_breached = models.BooleanField(_("SLA breached"), default=False)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CustomerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        indexes = [
            models.Index(
                fields=["reply_due_at"],
                name="request_open_reply_due",
                condition=~Q(status="closed"),
            ),
            models.Index(fields=["customer", "-received_at"], name="request_customer_time"),
            models.Index(fields=["-received_at", "-id"], name="request_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed")
                | (Q(closed_at__isnull=False) & ~Q(resolution="") & ~Q(customer_satisfaction="")),
                name="request_closed_has_resolution",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["received", "classified", "analysed"])
                | (~Q(action_plan="") & Q(due_date__isnull=False)),
                name="request_assigned_has_plan",
            ),
            models.CheckConstraint(
                condition=Q(first_handling_due_at__gt=models.F("received_at"))
                & Q(reply_due_at__gte=models.F("first_handling_due_at")),
                name="request_sla_due_after_receipt",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} {self.customer}"


class ServiceRequestEvent(models.Model):
    """One step of a service request: a status change, a progress update or an escalation."""

    request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("service request"),
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RequestEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    from_status = models.CharField(_("from"), max_length=20, blank=True)
    to_status = models.CharField(_("to"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("service request event")
        verbose_name_plural = _("service request events")

    def __str__(self):
        return f"{self.request_id} {self.kind} {self.to_status}"


class SurveyResponse(models.Model):
    """One customer's satisfaction-survey answers: CSAT per dimension (1–5) and NPS (0–10)."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="survey_responses",
    )
    responded_on = models.DateField(_("responded on"))
    nps = models.PositiveSmallIntegerField(
        _("likelihood to recommend (0–10)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(10)],
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=SurveyChannel.choices, default=SurveyChannel.INTERVIEW
    )
    respondent = models.CharField(_("respondent"), max_length=100, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    is_valid = models.BooleanField(_("valid"), default=True)
    invalid_reason = models.CharField(_("why invalid"), max_length=200, blank=True)
    service_request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("after service request"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CustomerScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-responded_on", "-id"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.CheckConstraint(
                condition=Q(nps__isnull=True) | Q(nps__lte=10), name="survey_nps_0_to_10"
            ),
            models.CheckConstraint(
                condition=Q(is_valid=True) | ~Q(invalid_reason=""),
                name="survey_invalid_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.customer} {self.responded_on}"


class SurveyScore(models.Model):
    """One CSAT answer: a dimension scored 1–5."""

    response = models.ForeignKey(
        SurveyResponse, verbose_name=_("response"), on_delete=models.CASCADE, related_name="scores"
    )
    dimension = models.CharField(_("dimension"), max_length=30, choices=SurveyDimension.choices)
    score = models.PositiveSmallIntegerField(
        _("score (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        ordering = ["response", "dimension"]
        verbose_name = _("survey score")
        verbose_name_plural = _("survey scores")
        constraints = [
            models.UniqueConstraint(fields=["response", "dimension"], name="survey_score_unique"),
            models.CheckConstraint(
                condition=Q(score__gte=1) & Q(score__lte=5), name="survey_score_1_to_5"
            ),
        ]

    def __str__(self):
        return f"{self.dimension}={self.score}"


class ImprovementActionQuerySet(ScopedQuerySet):
    """Improvement actions; scoped by their owner like tasks."""

    owner_path = "owner"


class ImprovementAction(models.Model):
    """A measure taken on a finding (a survey answer or a complaint), with owner and due date."""

    title = models.CharField(_("measure"), max_length=200)
    finding = models.TextField(_("finding"))
    dimension = models.CharField(
        _("dimension"), max_length=30, choices=SurveyDimension.choices, blank=True
    )
    survey_response = models.ForeignKey(
        SurveyResponse,
        verbose_name=_("survey response"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="improvement_actions",
    )
    service_request = models.ForeignKey(
        ServiceRequest,
        verbose_name=_("service request"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="improvement_actions",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="improvement_actions",
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ImprovementStatus.choices,
        default=ImprovementStatus.PLANNED,
    )
    score_before = models.DecimalField(
        _("score before"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    score_after = models.DecimalField(
        _("score after"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    verification = models.TextField(_("verification (follow-up visit)"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ImprovementActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("improvement action")
        verbose_name_plural = _("improvement actions")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="verified") | ~Q(verification=""),
                name="improvement_verified_has_note",
            )
        ]

    def __str__(self):
        return self.title


class Festival(models.Model):
    """A festival for care greetings (春节 / 中秋 / 国庆); lunar dates are entered per year."""

    name = models.CharField(_("name"), max_length=50)
    date = models.DateField(_("date"), unique=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("festival")
        verbose_name_plural = _("festivals")

    def __str__(self):
        return f"{self.name} {self.date}"
