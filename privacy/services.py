"""Writes of the data-protection app: consent, sharing and anonymisation (DOMAIN.md §8).

Views, the API and the admin call these; each validates, writes in one transaction and logs.
"""

from datetime import date

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.exceptions import ActionForbidden, DomainError, TransitionNotAllowed
from crm.services import access_log_record
from customers.choices import ChangeKind
from customers.models import Contact, Customer, CustomerChange
from loans.choices import GuarantorKind
from loans.models import Guarantor

from .choices import ConsentPurpose, DataCategory, RetentionStatus, ShareGround
from .models import Consent, RetentionFlag, ShareRecord
from .selectors import past_retention, retention_years

# The value of crm.AccessLog.Action for a disclosure (DOMAIN.md §8 "view, create, update,
# export and share"); the audit work adds it to the choices under exactly this value.
SHARE_ACTION = "share"
ANONYMISE_ACTION = "anonymise"
# A clock a few minutes fast on the recording device must not reject a consent given "now".
FUTURE_TOLERANCE = timezone.timedelta(minutes=5)


def _require(user, perm: str, message: str):
    if not user.has_perm(perm):
        raise ActionForbidden(message)


def _check_categories(scope, *, field: str = "scope") -> list[str]:
    scope = list(dict.fromkeys(scope or []))
    if not scope:
        raise DomainError(_("Choose at least one information category."), field=field)
    unknown = [c for c in scope if c not in DataCategory.values]
    if unknown:
        raise DomainError(
            _("Unknown information category: %(c)s.") % {"c": ", ".join(unknown)}, field=field
        )
    return scope


@transaction.atomic
def consent_give(
    *,
    user,
    customer: Customer,
    contact: Contact | None = None,
    guarantor: Guarantor | None = None,
    purpose: str,
    scope: list[str],
    retention_months: int,
    notice_version: str,
    given_at,
    evidence: str,
    scope_note: str = "",
) -> Consent:
    """Record a person's consent to one purpose and scope under one notice version."""
    _require(user, "privacy.add_consent", _("Your role may not record consents."))
    if (contact is None) == (guarantor is None):
        raise DomainError(_("Choose the person who gave the consent."), field="contact")
    if contact is not None and contact.customer_id != customer.pk:
        raise DomainError(_("This contact belongs to another customer."), field="contact")
    if guarantor is not None:
        guarantor = Guarantor.objects.select_related("application").get(pk=guarantor.pk)
        if guarantor.application.customer_id != customer.pk:
            raise DomainError(
                _("This guarantor backs another customer's application."), field="guarantor"
            )
        if guarantor.kind != GuarantorKind.INDIVIDUAL:
            raise DomainError(
                _("Consent is recorded for people; this guarantor is an institution."),
                field="guarantor",
            )
    if given_at is None:
        raise DomainError(_("Say when the consent was given."), field="given_at")
    if given_at > timezone.now() + FUTURE_TOLERANCE:
        raise DomainError(_("A consent cannot be given in the future."), field="given_at")
    consent = Consent(
        customer=customer,
        contact=contact,
        guarantor=guarantor,
        purpose=purpose,
        scope=_check_categories(scope),
        scope_note=(scope_note or "").strip(),
        retention_months=retention_months,
        notice_version=(notice_version or "").strip(),
        given_at=given_at,
        evidence=(evidence or "").strip(),
        recorded_by=user,
    )
    consent.full_clean()
    consent.save()
    return consent


@transaction.atomic
def consent_withdraw(*, user, consent: Consent, note: str = "", at=None) -> Consent:
    """Record that the person withdrew the consent; the row and its history stay."""
    _require(user, "privacy.change_consent", _("Your role may not record withdrawals."))
    # Lock: a share checked against this consent at the same moment must see the withdrawal.
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        raise TransitionNotAllowed(_("This consent was already withdrawn."))
    at = at or timezone.now()
    if at < consent.given_at:
        raise DomainError(_("A consent cannot be withdrawn before it was given."), field="at")
    consent.withdrawn_at = at
    consent.withdrawn_by = user
    consent.withdrawal_note = (note or "").strip()[:500]
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_note"])
    return consent


def active_consent(
    *,
    contact: Contact | None = None,
    guarantor: Guarantor | None = None,
    purpose: str,
    scope: list[str],
    at=None,
    lock: bool = False,
) -> Consent | None:
    """The newest consent of the person in force at `at` that covers the purpose and scope."""
    queryset = Consent.objects.for_person(contact=contact, guarantor=guarantor).active(at=at)
    queryset = queryset.filter(purpose=purpose, scope__contains=list(scope))
    if lock:
        queryset = queryset.select_for_update()
    return queryset.order_by("-given_at", "-id").first()


@transaction.atomic
def share_record(
    *,
    user,
    customer: Customer,
    ground: str,
    purpose: str,
    recipient: str,
    scope: list[str],
    fields: str,
    method: str,
    shared_on: date,
    contact: Contact | None = None,
    responsible=None,
    basis_reference: str = "",
    consent: Consent | None = None,
    request=None,
) -> ShareRecord:
    """Log one disclosure; a consent-based share without an active covering consent is refused.

    Every share also writes the access log (action "share", one entry per category).
    """
    _require(user, "privacy.add_sharerecord", _("Your role may not record data sharing."))
    if ground not in ShareGround.values:
        raise DomainError(
            _("Data may be shared only on one of the four legal grounds."), field="ground"
        )
    if purpose not in ConsentPurpose.values:
        raise DomainError(_("Choose the purpose of the share."), field="purpose")
    scope = _check_categories(scope)
    if contact is not None and contact.customer_id != customer.pk:
        raise DomainError(_("This contact belongs to another customer."), field="contact")
    if shared_on is None:
        raise DomainError(_("Say when the data was shared."), field="shared_on")
    if shared_on > timezone.localdate():
        raise DomainError(_("A share cannot be dated in the future."), field="shared_on")
    if ground != ShareGround.CONSENT and not (basis_reference or "").strip():
        raise DomainError(
            _("Name the law, the regulator's request or the interface this share relies on."),
            field="basis_reference",
        )
    if ground == ShareGround.CONSENT:
        if contact is None:
            raise DomainError(
                _("A consent-based share needs the person whose consent it relies on."),
                field="contact",
            )
        # Lock the consent row so a withdrawal recorded at the same moment is either seen
        # here or waits for this share to commit.
        candidates = (
            Consent.objects.for_person(contact=contact)
            .active()
            .filter(purpose=purpose, scope__contains=scope)
            .select_for_update()
        )
        if consent is not None:
            # A consent named by the caller must itself be in force and cover the share.
            candidates = candidates.filter(pk=consent.pk)
        found = candidates.order_by("-given_at", "-id").first()
        if found is None:
            raise DomainError(
                _(
                    "Blocked: %(person)s has no active consent for %(purpose)s covering "
                    "%(scope)s. Record the consent first or choose another legal ground."
                )
                % {
                    "person": contact.name,
                    "purpose": ConsentPurpose(purpose).label,
                    "scope": ", ".join(str(DataCategory(c).label) for c in scope),
                },
                field="ground",
            )
        consent = found
    else:
        consent = None
    share = ShareRecord(
        customer=customer,
        contact=contact,
        ground=ground,
        purpose=purpose,
        basis_reference=(basis_reference or "").strip(),
        recipient=(recipient or "").strip(),
        scope=scope,
        fields=(fields or "").strip(),
        method=method,
        responsible=responsible or user,
        shared_on=shared_on,
        consent=consent,
        recorded_by=user,
    )
    share.full_clean()
    share.save()
    for category in scope:
        access_log_record(
            user=user,
            action=SHARE_ACTION,
            category=category,
            customer=customer,
            request=request,
            detail=(
                f"share #{share.pk} to {share.recipient} on ground {ground}"
                f"{f' (consent #{consent.pk})' if consent else ''}: {share.fields}"
            ),
        )
    return share


# What anonymisation clears on each contact: every field that identifies the person.
# Role, department and position stay: they describe the company's organisation, not the person.
CONTACT_PERSONAL_FIELDS = (
    "name",
    "phone",
    "email",
    "wechat",
    "id_number",
    "birthday",
    "preferences",
)


def may_anonymise(user) -> bool:
    """Admins and holders of `customers.anonymise_customer` (a compliance duty)."""
    return user.has_perm("customers.anonymise_customer")


@transaction.atomic
def customer_anonymise(
    *, user, flag: RetentionFlag, confirm: bool, request=None, as_of: date | None = None
) -> RetentionFlag:
    """Replace or clear the personal data of a customer past retention, once confirmed.

    Kept: the company's own records (profile, loans, repayments, statements, consents and
    the share log as evidence of lawful processing). Cleared: the people's personal data.
    Idempotent: an anonymised flag is returned unchanged.
    """
    if not may_anonymise(user):
        raise ActionForbidden(_("Only an authorised person may anonymise customer data."))
    if not confirm:
        raise DomainError(_("Confirm the anonymisation: it cannot be undone."), field="confirm")
    flag = RetentionFlag.objects.select_for_update().get(pk=flag.pk)
    if flag.status == RetentionStatus.ANONYMISED:
        return flag
    customer = Customer.objects.select_for_update().get(pk=flag.customer_id)
    as_of = as_of or timezone.localdate()
    if (
        flag.status != RetentionStatus.FLAGGED
        or not past_retention(as_of=as_of).filter(pk=customer.pk).exists()
    ):
        raise TransitionNotAllowed(
            _("This customer is not past retention any more; nothing was anonymised.")
        )
    contacts = list(Contact.objects.select_for_update().filter(customer=customer))
    for contact in contacts:
        contact.name = _("Anonymised contact %(n)s") % {"n": contact.pk}
        contact.phone = ""
        contact.email = ""
        contact.wechat = ""
        contact.id_number = ""
        contact.birthday = None
        contact.preferences = ""
    Contact.objects.bulk_update(contacts, CONTACT_PERSONAL_FIELDS)
    # The change log kept the contacts' old values (phone and ID masked, the rest in clear).
    contact_changes = CustomerChange.objects.filter(customer=customer, kind=ChangeKind.CONTACT)
    contact_changes.filter(field__in=CONTACT_PERSONAL_FIELDS).update(old_value="", new_value="")
    contact_changes.update(subject=_("Contact (anonymised)"))
    guarantors = Guarantor.objects.filter(
        application__customer=customer, kind=GuarantorKind.INDIVIDUAL
    )
    guarantor_count = guarantors.update(name=_("Anonymised guarantor"), id_number="")
    from notifications.models import Delivery

    # Addresses of messages sent to the contacts; the messages themselves stay as the record.
    Delivery.objects.filter(customer=customer, recipient__startswith="contact:").update(
        address=_("(anonymised)")
    )
    customer.soft_information = ""
    customer.save(update_fields=["soft_information", "updated_at"])
    flag.status = RetentionStatus.ANONYMISED
    flag.anonymised_at = timezone.now()
    flag.anonymised_by = user
    flag.contacts_anonymised = len(contacts)
    flag.guarantors_anonymised = guarantor_count
    flag.save()
    access_log_record(
        user=user,
        action=ANONYMISE_ACTION,
        category="basic",
        customer=customer,
        request=request,
        detail=(
            f"anonymised after retention ({flag.retention_years} years from "
            f"{flag.relationship_ended_on}): {len(contacts)} contacts, "
            f"{guarantor_count} individual guarantors, soft information"
        ),
    )
    return flag


def retention_flag_customers(*, as_of: date) -> dict[str, int]:
    """Flag customers past retention, clear flags no longer due; set-based and idempotent."""
    years = retention_years()
    due = past_retention(as_of=as_of, years=years)
    due_ids = due.values("pk")
    cleared = (
        RetentionFlag.objects.filter(status=RetentionStatus.FLAGGED)
        .exclude(customer_id__in=due_ids)
        .update(status=RetentionStatus.CLEARED)
    )
    reflagged = RetentionFlag.objects.filter(
        status=RetentionStatus.CLEARED, customer_id__in=due_ids
    ).update(
        status=RetentionStatus.FLAGGED,
        flagged_on=as_of,
        retention_years=years,
        relationship_ended_on=Subquery(
            Customer.objects.filter(pk=OuterRef("customer_id")).values("relationship_ended_on")
        ),
    )
    new = list(due.exclude(retention_flag__isnull=False).values_list("pk", "relationship_ended_on"))
    created = RetentionFlag.objects.bulk_create(
        [
            RetentionFlag(
                customer_id=pk,
                relationship_ended_on=ended_on,
                retention_years=years,
                flagged_on=as_of,
            )
            for pk, ended_on in new
        ],
        ignore_conflicts=True,
    )
    return {"flagged": len(created), "reflagged": reflagged, "cleared": cleared}
