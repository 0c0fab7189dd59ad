"""Scorecards and scores, rule settings, alerts with their events and comments, risk events,
the watch list."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from crm.scoping import CustomerOwnedQuerySet, ScopedQuerySet
from customers.choices import CreditGrade, RiskLevel

from .choices import (
    ACTIVE_STATUSES,
    MANUAL_RULES,
    AlertAction,
    AlertResponse,
    AlertStatus,
    CheckMethod,
    Dimension,
    Indicator,
    ManualCategory,
    RiskEventKind,
    RuleCode,
    Severity,
    severity_order,
)


class ScorecardVersion(models.Model):
    """One version of the indicator system: dimension weights, grade and level bands.

    Scores point at the version that produced them; a version that has been activated is never
    edited again, so an old score can always be explained. Changes go into a new version.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=False)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    # Dimension weights in percent (DOMAIN.md §10: 40 / 30 / 15 / 15).
    financial_weight = models.DecimalField(
        _("financial weight %"), max_digits=5, decimal_places=2, default=40
    )
    operating_weight = models.DecimalField(
        _("operating weight %"), max_digits=5, decimal_places=2, default=30
    )
    market_weight = models.DecimalField(
        _("market weight %"), max_digits=5, decimal_places=2, default=15
    )
    industry_weight = models.DecimalField(
        _("industry weight %"), max_digits=5, decimal_places=2, default=15
    )
    # Bands (DOMAIN.md §10): grades ≥80 / 60–79 / <60, levels ≥70 / 50–69 / <50.
    grade_excellent_min = models.PositiveSmallIntegerField(_("excellent grade from"), default=80)
    grade_good_min = models.PositiveSmallIntegerField(_("good grade from"), default=60)
    level_low_min = models.PositiveSmallIntegerField(_("low risk from"), default=70)
    level_medium_min = models.PositiveSmallIntegerField(_("medium risk from"), default=50)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = _("scorecard version")
        verbose_name_plural = _("scorecard versions")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="scorecard_one_active"
            ),
            models.CheckConstraint(
                condition=Q(
                    financial_weight__gte=0,
                    operating_weight__gte=0,
                    market_weight__gte=0,
                    industry_weight__gte=0,
                ),
                name="scorecard_weights_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(
                    grade_excellent_min__gt=F("grade_good_min"), grade_excellent_min__lte=100
                )
                & Q(level_low_min__gt=F("level_medium_min"), level_low_min__lte=100),
                name="scorecard_bands_ordered",
            ),
        ]

    def __str__(self):
        return f"v{self.version} {self.name}"

    @property
    def model_version(self) -> str:
        return f"scorecard-v{self.version}"

    def dimension_weights(self) -> dict:
        return {
            Dimension.FINANCIAL: self.financial_weight,
            Dimension.OPERATING: self.operating_weight,
            Dimension.MARKET: self.market_weight,
            Dimension.INDUSTRY: self.industry_weight,
        }


class ScorecardIndicator(models.Model):
    """An indicator of a scorecard version: its dimension, weight in it and value bands."""

    scorecard = models.ForeignKey(
        ScorecardVersion,
        verbose_name=_("scorecard"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    indicator = models.CharField(_("indicator"), max_length=40, choices=Indicator.choices)
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    weight = models.DecimalField(
        _("weight within dimension %"), max_digits=5, decimal_places=2, default=0
    )
    # [[null, score], [lower bound, score], ...]: see risk/scoring.py.
    bands = models.JSONField(_("bands"), default=list)
    missing_score = models.PositiveSmallIntegerField(_("score when no data"), default=50)

    class Meta:
        ordering = ["scorecard", "dimension", "id"]
        verbose_name = _("scorecard indicator")
        verbose_name_plural = _("scorecard indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["scorecard", "indicator"], name="scorecard_indicator_unique"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0, weight__lte=100, missing_score__lte=100),
                name="scorecard_indicator_ranges",
            ),
        ]

    def __str__(self):
        return f"{self.scorecard} {self.indicator}"

    def clean(self):
        from django.core.exceptions import ValidationError

        from .scoring import BandError, parse_bands

        try:
            parse_bands(self.bands)
        except BandError as exc:
            raise ValidationError({"bands": [str(exc)]}) from exc


RiskScoreQuerySet = CustomerOwnedQuerySet


class RiskScore(models.Model):
    """A customer's composite score for one business date, with its factor breakdown."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="risk_scores",
    )
    as_of = models.DateField(_("as of"))
    scorecard = models.ForeignKey(
        ScorecardVersion,
        verbose_name=_("scorecard"),
        on_delete=models.PROTECT,
        related_name="scores",
    )
    model_version = models.CharField(_("model version"), max_length=40)
    score = models.PositiveSmallIntegerField(_("score"))
    grade = models.CharField(_("grade"), max_length=20, choices=CreditGrade.choices)
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    factors = models.JSONField(_("factors"), default=list)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    objects = RiskScoreQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "-id"]
        verbose_name = _("risk score")
        verbose_name_plural = _("risk scores")
        constraints = [
            # One score per customer and business date: the nightly run upserts it.
            models.UniqueConstraint(fields=["customer", "as_of"], name="riskscore_customer_day"),
            models.CheckConstraint(condition=Q(score__lte=100), name="riskscore_0_to_100"),
        ]

    def __str__(self):
        return f"{self.customer_id} {self.as_of} {self.score}"


class RuleSetting(models.Model):
    """The admin-editable thresholds of one early-warning rule; every change is a new version."""

    code = models.CharField(_("rule"), max_length=40, choices=RuleCode.choices, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    params = models.JSONField(_("thresholds"), default=dict, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("rule setting")
        verbose_name_plural = _("rule settings")

    def __str__(self):
        return f"{self.get_code_display()} v{self.version}"

    def clean(self):
        from django.core.exceptions import ValidationError

        from .rules import RuleParamError, parse_params

        try:
            parse_params(self.code, self.params)
        except RuleParamError as exc:
            raise ValidationError({"params": [str(exc)]}) from exc


class RuleSettingVersion(models.Model):
    """An append-only copy of a rule setting as it was at each version."""

    setting = models.ForeignKey(
        RuleSetting, verbose_name=_("rule"), on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveIntegerField(_("version"))
    enabled = models.BooleanField(_("enabled"))
    params = models.JSONField(_("thresholds"), default=dict)
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["setting", "-version"]
        verbose_name = _("rule setting version")
        verbose_name_plural = _("rule setting versions")
        constraints = [
            models.UniqueConstraint(
                fields=["setting", "version"], name="rulesetting_version_unique"
            )
        ]

    def __str__(self):
        return f"{self.setting.code} v{self.version}"


class RiskEvent(models.Model):
    """A macro or policy event tagged to industries and/or regions; it alerts every affected
    customer (DOMAIN.md §5)."""

    kind = models.CharField(_("kind"), max_length=20, choices=RiskEventKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    occurred_on = models.DateField(_("occurred on"))
    industries = models.ManyToManyField(
        "customers.Industry", verbose_name=_("industries"), blank=True, related_name="risk_events"
    )
    # Region names as stored on customers (Customer.region), matched exactly.
    regions = models.JSONField(_("regions"), default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    alerts_raised = models.PositiveIntegerField(_("alerts raised"), default=0)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("macro / policy event")
        verbose_name_plural = _("macro / policy events")

    def __str__(self):
        return self.title


class AlertQuerySet(CustomerOwnedQuerySet):
    """Alerts; scoped through their customer's relationship manager."""

    def active(self):
        """Alerts still being worked: open, acknowledged or escalated."""
        return self.filter(status__in=ACTIVE_STATUSES)


class Alert(models.Model):
    """An early warning about a customer (and possibly one loan), and how it was worked."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="alerts",
    )
    loan = models.ForeignKey(
        "loans.Loan",
        verbose_name=_("loan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
    )
    rule = models.CharField(_("rule"), max_length=40, choices=RuleCode.choices)
    rule_version = models.PositiveIntegerField(_("rule version"), null=True, blank=True)
    category = models.CharField(
        _("category"), max_length=30, choices=ManualCategory.choices, blank=True
    )
    event = models.ForeignKey(
        RiskEvent,
        verbose_name=_("macro / policy event"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    message = models.CharField(_("message"), max_length=300)
    details = models.JSONField(_("details"), default=dict, blank=True)
    raised_on = models.DateField(_("raised on"))
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The last business date on which the rule still saw the condition: a closed alert is only
    # raised again once the condition went away and came back (risk/services.py).
    last_seen_on = models.DateField(_("last seen on"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_alerts",
    )
    due_at = models.DateTimeField(_("acknowledge by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    response = models.CharField(
        _("response"), max_length=30, choices=AlertResponse.choices, blank=True
    )
    close_note = models.TextField(_("closing note"), blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_on", "-id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        permissions = [("dismiss_alert", _("Can dismiss alerts"))]
        indexes = [
            models.Index(
                fields=["status", "severity", "due_at"],
                name="alert_queue",
                condition=Q(status__in=ACTIVE_STATUSES),
            ),
            # The queue's order (worst first, then the soonest due): its first page is read
            # from the index, not sorted from every active alert.
            models.Index(
                severity_order().desc(),
                F("due_at").asc(),
                F("id").desc(),
                name="alert_queue_order",
                condition=Q(status__in=ACTIVE_STATUSES),
            ),
            # The same order over every alert (the API's list, the queue's "all" filter).
            models.Index(
                severity_order().desc(),
                F("due_at").asc(),
                F("id").desc(),
                name="alert_order",
            ),
            models.Index(fields=["customer", "rule"], name="alert_customer_rule"),
            models.Index(fields=["-raised_on", "-id"], name="alert_raised"),
        ]
        constraints = [
            # API.md: a rule never opens a second alert for the same customer (and loan) while
            # one is being worked; NULL loans count as equal (PostgreSQL 15 NULLS NOT DISTINCT).
            # People's alerts (manual, macro events) are exempt: a customer can face litigation
            # and a fraud suspicion at once.
            models.UniqueConstraint(
                fields=["rule", "customer", "loan"],
                condition=Q(status__in=ACTIVE_STATUSES) & ~Q(rule__in=MANUAL_RULES),
                nulls_distinct=False,
                name="alert_one_active_per_rule_customer_loan",
            ),
            # One alert per customer and macro / policy event, ever.
            models.UniqueConstraint(
                fields=["event", "customer"],
                condition=Q(event__isnull=False),
                name="alert_one_per_event_customer",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[AlertStatus.RESOLVED, AlertStatus.DISMISSED])
                | Q(closed_at__isnull=True),
                name="alert_closed_at_only_when_closed",
            ),
            models.CheckConstraint(
                condition=~Q(status=AlertStatus.RESOLVED) | ~Q(response=""),
                name="alert_resolved_has_response",
            ),
        ]

    def __str__(self):
        return f"{self.get_rule_display()} · {self.customer_id}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class AlertEvent(models.Model):
    """An append-only record of something done to an alert."""

    alert = models.ForeignKey(
        Alert, verbose_name=_("alert"), on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=20, choices=AlertAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=AlertStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=AlertStatus.choices)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("alert event")
        verbose_name_plural = _("alert events")

    def __str__(self):
        return f"{self.alert_id} {self.action}"


class AlertComment(models.Model):
    """A comment on an alert: the feedback loop between the RM and the risk team."""

    alert = models.ForeignKey(
        Alert, verbose_name=_("alert"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("alert comment")
        verbose_name_plural = _("alert comments")
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="alertcomment_body_not_empty")
        ]

    def __str__(self):
        return f"{self.alert_id} {self.author_id}"


class WatchListQuerySet(CustomerOwnedQuerySet):
    def current(self):
        return self.filter(removed_on__isnull=True)


class WatchListEntry(models.Model):
    """A customer under closer monitoring, reviewed more often (DOMAIN.md §5, §10: 90 days)."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="watch_list_entries",
    )
    reason = models.TextField(_("reason"))
    added_on = models.DateField(_("added on"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    review_interval_days = models.PositiveSmallIntegerField(_("review every (days)"), default=90)
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    next_review_on = models.DateField(_("next review on"))
    fund_flow_notes = models.TextField(_("fund-flow notes"), blank=True)
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("removed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    removal_reason = models.TextField(_("removal reason"), blank=True)

    objects = WatchListQuerySet.as_manager()

    class Meta:
        ordering = ["next_review_on", "id"]
        verbose_name = _("watch-list entry")
        verbose_name_plural = _("watch list")
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(removed_on__isnull=True),
                name="watchlist_one_current_per_customer",
            ),
            models.CheckConstraint(
                condition=Q(review_interval_days__gte=1), name="watchlist_interval_positive"
            ),
        ]

    def __str__(self):
        return f"{self.customer_id} since {self.added_on}"


class WatchListReview(models.Model):
    """One periodic review of a watch-listed customer."""

    entry = models.ForeignKey(
        WatchListEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewed_on = models.DateField(_("reviewed on"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    conclusion = models.TextField(_("conclusion"))

    class Meta:
        ordering = ["-reviewed_on", "-id"]
        verbose_name = _("watch-list review")
        verbose_name_plural = _("watch-list reviews")

    def __str__(self):
        return f"{self.entry_id} {self.reviewed_on}"


class PostLoanCheckQuerySet(ScopedQuerySet):
    owner_path = "loan__customer__relationship_manager"


class PostLoanCheck(models.Model):
    """A post-loan inspection (贷后检查): how the funds were used and what was found."""

    loan = models.ForeignKey(
        "loans.Loan",
        verbose_name=_("loan"),
        on_delete=models.PROTECT,
        related_name="post_loan_checks",
    )
    checked_on = models.DateField(_("checked on"))
    method = models.CharField(_("method"), max_length=20, choices=CheckMethod.choices)
    loan_usage = models.TextField(_("use of the loan (贷款使用情况)"))
    purpose_compliant = models.BooleanField(_("funds used for the agreed purpose (资金用途合规)"))
    findings = models.TextField(_("findings"), blank=True)
    next_check_on = models.DateField(_("next check on"))
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PostLoanCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_on", "-id"]
        verbose_name = _("post-loan check")
        verbose_name_plural = _("post-loan checks")
        indexes = [models.Index(fields=["loan", "-checked_on"], name="postloancheck_loan_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_check_on__gt=F("checked_on")),
                name="postloancheck_next_after_check",
            )
        ]

    def __str__(self):
        return f"L{self.loan_id} {self.checked_on}"
