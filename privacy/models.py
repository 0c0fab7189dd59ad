"""Consent records, the share log and retention flags (DOMAIN.md §8).

Every row hangs off a customer, so `visible_to(user)` scopes it like contacts
(crm/scoping.py). Nothing here is ever deleted: a consent is withdrawn, a flag is resolved.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.scoping import CustomerOwnedQuerySet

from .choices import ConsentPurpose, DataCategory, RetentionStatus, ShareGround, ShareMethod


def _categories_field(verbose_name):
    return ArrayField(
        models.CharField(max_length=20, choices=DataCategory.choices),
        verbose_name=verbose_name,
    )


class ConsentQuerySet(CustomerOwnedQuerySet):
    """Consents, scoped through the customer's relationship manager."""

    def active(self, *, at=None):
        """Given (at or before `at`) and not withdrawn by then."""
        at = at or timezone.now()
        return self.filter(given_at__lte=at).filter(
            Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=at)
        )

    def for_person(self, *, contact=None, guarantor=None):
        if contact is not None:
            return self.filter(contact=contact)
        return self.filter(guarantor=guarantor)


class Consent(models.Model):
    """One person's consent (告知同意) to one purpose and scope, under one notice version.

    Per person: a contact of the customer or an individual guarantor. Withdrawal sets
    `withdrawn_at`; the row stays as the history of what was agreed when.
    """

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="consents",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
    )
    guarantor = models.ForeignKey(
        "loans.Guarantor",
        verbose_name=_("guarantor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
    )
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    scope = _categories_field(_("scope of use (information categories)"))
    scope_note = models.CharField(_("scope of use (details)"), max_length=500, blank=True)
    retention_months = models.PositiveSmallIntegerField(
        _("retention period (months)"), validators=[MinValueValidator(1)]
    )
    notice_version = models.CharField(_("notice version"), max_length=50)
    given_at = models.DateTimeField(_("given at"))
    evidence = models.CharField(_("evidence / reference"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_note = models.CharField(_("withdrawal note"), max_length=500, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawal recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at", "-id"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [
            models.Index(fields=["contact", "purpose"], name="consent_contact_purpose"),
            models.Index(fields=["guarantor", "purpose"], name="consent_guarantor_purpose"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(contact__isnull=False) & Q(guarantor__isnull=True))
                | (Q(contact__isnull=True) & Q(guarantor__isnull=False)),
                name="consent_one_person",
            ),
            models.CheckConstraint(condition=Q(scope__len__gt=0), name="consent_scope_not_empty"),
            models.CheckConstraint(
                condition=Q(retention_months__gt=0), name="consent_retention_positive"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=models.F("given_at")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.get_purpose_display()} · {self.notice_version}"

    @property
    def person(self):
        """The contact or guarantor who gave the consent."""
        return self.contact or self.guarantor

    def is_active(self, at=None) -> bool:
        at = at or timezone.now()
        return self.given_at <= at and (self.withdrawn_at is None or self.withdrawn_at > at)

    def scope_labels(self) -> list[str]:
        return [str(DataCategory(c).label) for c in self.scope]


class ShareRecord(models.Model):
    """One disclosure of customer data to someone outside the CRM, on one of four grounds."""

    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="shares",
    )
    # The person whose data was shared, when it is personal data (required for consent).
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("person (contact)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shares",
    )
    ground = models.CharField(_("legal ground"), max_length=20, choices=ShareGround.choices)
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    basis_reference = models.CharField(
        _("basis reference (law article, request or interface no.)"), max_length=300, blank=True
    )
    recipient = models.CharField(_("recipient"), max_length=200)
    scope = _categories_field(_("scope (information categories)"))
    fields = models.CharField(_("fields shared"), max_length=500)
    method = models.CharField(_("method"), max_length=20, choices=ShareMethod.choices)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible person"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    shared_on = models.DateField(_("shared on"))
    consent = models.ForeignKey(
        Consent,
        verbose_name=_("consent relied on"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shares",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = CustomerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-shared_on", "-id"]
        verbose_name = _("share record")
        verbose_name_plural = _("share log")
        indexes = [models.Index(fields=["customer", "-shared_on"], name="share_customer_date")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(ground=ShareGround.CONSENT)
                | (Q(consent__isnull=False) & Q(contact__isnull=False)),
                name="share_consent_ground_has_consent",
            ),
            models.CheckConstraint(condition=Q(scope__len__gt=0), name="share_scope_not_empty"),
        ]

    def __str__(self):
        return f"{self.shared_on} {self.customer} → {self.recipient} ({self.get_ground_display()})"

    def scope_labels(self) -> list[str]:
        return [str(DataCategory(c).label) for c in self.scope]


class RetentionFlag(models.Model):
    """A customer whose relationship ended more than the retention period ago (one per customer).

    The daily job flags; an authorised person confirms the anonymisation, which is recorded
    here (who, when, how many people) and in the access log.
    """

    customer = models.OneToOneField(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="retention_flag",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RetentionStatus.choices, default=RetentionStatus.FLAGGED
    )
    relationship_ended_on = models.DateField(_("relationship ended on"))
    retention_years = models.PositiveSmallIntegerField(_("retention period (years)"))
    flagged_on = models.DateField(_("flagged on"))
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    anonymised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("anonymised by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    contacts_anonymised = models.PositiveIntegerField(_("contacts anonymised"), default=0)
    guarantors_anonymised = models.PositiveIntegerField(_("guarantors anonymised"), default=0)

    objects = CustomerOwnedQuerySet.as_manager()

    class Meta:
        ordering = ["flagged_on", "id"]
        verbose_name = _("retention flag")
        verbose_name_plural = _("retention flags")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=RetentionStatus.ANONYMISED)
                | (Q(anonymised_at__isnull=False) & Q(anonymised_by__isnull=False)),
                name="retention_anonymised_has_who_when",
            ),
        ]

    def __str__(self):
        return f"{self.customer} {self.get_status_display()}"
