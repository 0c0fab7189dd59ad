"""Users, teams and job runs: the people and the bookkeeping every app relies on."""

from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    """A team of relationship managers with one lead (API.md, Roles)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    lead = models.OneToOneField(
        "crm.User",
        verbose_name=_("team lead"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_team",
    )
    branch = models.CharField(_("branch"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A bank employee. Roles are Django groups; a user belongs to at most one team."""

    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    phone = models.CharField(_("work phone"), max_length=30, blank=True)
    # API tokens issued before this moment are refused (crm/api/authentication.py), so a
    # password change logs the user out of every API client as well as every browser session.
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    # The columns `str(user)` reads: for `.only()` of a user reached by a relation.
    NAME_FIELDS = ("username", "display_name", "first_name", "last_name")

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    def set_password(self, raw_password):
        """Set the password and remember when, which revokes older API tokens."""
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()


class JobRun(models.Model):
    """One run of one daily job for one business date: when, how many, and how it ended."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    job = models.CharField(_("job"), max_length=100, db_index=True)
    as_of = models.DateField(_("business date"))
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RUNNING
    )
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    error = models.TextField(_("error"), blank=True)
    triggered_by = models.CharField(_("triggered by"), max_length=50, default="command")

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        indexes = [models.Index(fields=["job", "-started_at"], name="jobrun_job_started")]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=models.F("started_at")),
                name="jobrun_finished_after_start",
            )
        ]

    def __str__(self):
        return f"{self.job} {self.as_of} {self.status}"

    @property
    def duration(self):
        """Wall time of the run, or None while it runs."""
        if self.finished_at is None:
            return None
        return self.finished_at - self.started_at


class AccessLog(models.Model):
    """One access to customer data, login or permission change (访问日志, DOMAIN.md §8).

    Rows are only ever inserted (`access_log_record`); a database trigger refuses UPDATE and
    DELETE, except the retention purge of rows older than the statutory minimum
    (`access_log_purge`), and the admin is read-only, so the log can be trusted by compliance.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("View (查看)")
        EXPORT = "export", _("Export (导出)")
        UNMASK = "unmask", _("Unmask (查看明文)")
        IMPORT = "import", _("Import (导入)")
        SHARE = "share", _("Share (共享)")
        LOGIN = "login", _("Login (登录)")
        LOGIN_FAILED = "login_failed", _("Failed login (登录失败)")
        LOGOUT = "logout", _("Logout (登出)")
        PERMISSION_CHANGE = "permission_change", _("Permission change (权限变更)")
        PURGE = "purge", _("Retention purge (到期清理)")
        ANONYMISE = "anonymise", _("Anonymise (匿名化)")

    class Category(models.TextChoices):
        # The four information categories of DOMAIN.md §2.
        BASIC = "basic", _("Basic (基础信息)")
        TRANSACTION = "transaction", _("Transaction (交易信息)")
        BEHAVIOURAL = "behavioural", _("Behavioural (行为信息)")
        RISK = "risk", _("Risk (风险信息)")

    # PROTECT: a log row must outlive neither its user nor its customer silently.
    user = models.ForeignKey(
        "crm.User",
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A list read touches many customers in one request: one entry, their ids here (the
    # customer field stays empty unless exactly one customer was read).
    customer_ids = ArrayField(
        models.BigIntegerField(), verbose_name=_("customers read"), default=list, blank=True
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    # Empty for entries about no customer data (logins, permission changes, the purge).
    category = models.CharField(
        _("information category"), max_length=20, choices=Category.choices, blank=True
    )
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["customer", "-at"], name="accesslog_customer_at"),
            models.Index(fields=["user", "-at"], name="accesslog_user_at"),
            GinIndex(fields=["customer_ids"], name="accesslog_customer_ids"),
        ]
        permissions = [
            # The data-access log itself is `view_accesslog` (compliance, admins).
            ("view_audit", _("Can view the audit trail of business data")),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.category}"
