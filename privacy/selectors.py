"""Reads of the data-protection app: every query starts from `visible_to(user)`."""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings

from customers.choices import LifecycleStage
from customers.models import Customer

from .choices import RetentionStatus
from .models import Consent, RetentionFlag, ShareRecord


def retention_years() -> int:
    """Years personal data is kept after the relationship ends (DOMAIN.md §10, a setting)."""
    return settings.RETENTION_YEARS_AFTER_RELATIONSHIP_END


def retention_cutoff(*, as_of: date, years: int | None = None) -> date:
    """Relationships that ended before this day are past retention on `as_of`.

    "More than N years ago": a relationship that ended exactly N years before `as_of` is
    still kept that day and flagged the next (29 February counts to 28 February).
    """
    return as_of - relativedelta(years=years if years is not None else retention_years())


def past_retention(*, as_of: date, years: int | None = None):
    """Customers whose relationship ended more than the retention period before `as_of`."""
    return Customer.objects.filter(
        lifecycle_stage=LifecycleStage.CHURNED,
        relationship_ended_on__isnull=False,
        relationship_ended_on__lt=retention_cutoff(as_of=as_of, years=years),
    )


def consents_for_contact(*, user, contact):
    """A contact's consents (active and withdrawn), newest first, within the user's scope."""
    return (
        Consent.objects.visible_to(user)
        .filter(contact=contact)
        .select_related("recorded_by", "withdrawn_by")
        .order_by("-given_at", "-id")
    )


def customer_consents(*, user, customer):
    """Every consent given by the customer's people, newest first."""
    return (
        Consent.objects.visible_to(user)
        .filter(customer=customer)
        .select_related("contact", "guarantor", "recorded_by", "withdrawn_by")
        .order_by("-given_at", "-id")
    )


def customer_shares(*, user, customer):
    """The customer's share log, newest first."""
    return (
        ShareRecord.objects.visible_to(user)
        .filter(customer=customer)
        .select_related("contact", "responsible", "recorded_by", "consent")
        .order_by("-shared_on", "-id")
    )


def retention_flags_visible_to(user):
    """Retention flags the user may act on.

    Anonymisation is a bank-wide compliance duty (`customers.anonymise_customer`), not a
    relationship manager's: its holders see every flag; anyone else the usual owner scope.
    """
    if user.has_perm("customers.anonymise_customer"):
        return RetentionFlag.objects.all()
    return RetentionFlag.objects.visible_to(user)


def retention_flags(*, user, status: str = RetentionStatus.FLAGGED):
    """Customers flagged past retention, oldest flag first."""
    return (
        retention_flags_visible_to(user)
        .filter(status=status)
        .select_related("customer", "customer__relationship_manager", "anonymised_by")
        .order_by("flagged_on", "id")
    )
