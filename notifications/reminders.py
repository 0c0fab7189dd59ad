"""The repayment-reminder ladder (API.md, Reminders) as a daily job over unpaid installments.

For each unpaid installment of an active loan, on each business date:
- the latest reached rung of the due-date ladder (7 and 1 days before, overdue on day 1 and
  every 7 days after) and, for a loan's last installment, of the maturity ladder (30 days
  before maturity) is sent, unless it already was: in-app to the owning relationship manager,
  by email (and SMS where a gateway is configured) to the customer's finance contact;
- an overdue reminder the RM has not acknowledged escalates to the team lead, and later to the
  risk officers, after the rung's waiting times.
Missed rungs are caught up under the same rule (only the latest); paid installments get nothing.
"""

import re
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse

from crm.jobs import JobResult, daily_job
from crm.roles import Role
from customers.choices import ContactRole
from customers.models import Contact
from loans.choices import LoanStatus
from loans.models import Installment

from . import sms
from .batches import batch_handler, run_in_batches
from .choices import Channel, Ladder, NotificationKind
from .ladder import Occurrence, Rung, latest_occurrence
from .models import Delivery, Notification, ReminderRung
from .rendering import render_email, render_in_app, render_sms
from .services import Outgoing, deliveries_record, recorded_keys

REMINDERS_JOB = "notifications.repayment_reminders"


def _rungs() -> dict[str, list[ReminderRung]]:
    by_ladder = defaultdict(list)
    for rung in ReminderRung.objects.active():
        by_ladder[rung.ladder].append(rung)
    return by_ladder


def _as_ladder_rungs(rungs: list[ReminderRung]) -> list[Rung]:
    return [Rung(rung.code, rung.offset_days, rung.repeat_every_days) for rung in rungs]


def work_ids(*, as_of: date):
    """Ids of the unpaid installments of active loans that any rung can reach by `as_of`."""
    rungs = _rungs()
    due_lead = max((-rung.offset_days for rung in rungs[Ladder.DUE_DATE]), default=None)
    maturity_lead = max((-rung.offset_days for rung in rungs[Ladder.MATURITY]), default=None)
    reach = Q(pk__in=[])
    if due_lead is not None:
        reach |= Q(due_date__lte=as_of + timedelta(days=due_lead))
    if maturity_lead is not None:
        reach |= Q(
            due_date=F("loan__maturity_date"),
            due_date__lte=as_of + timedelta(days=maturity_lead),
        )
    # Loans disbursed after the business date do not exist yet on that date (simulated runs).
    return (
        Installment.objects.unpaid()
        .filter(reach, loan__status=LoanStatus.ACTIVE, loan__disbursed_on__lte=as_of)
        .values_list("pk", flat=True)
    )


def _money(value) -> str:
    return f"{value:,.2f}"


def _loan_url(loan_id: int) -> str:
    try:
        return reverse("loans:loan-detail", args=[loan_id])
    except NoReverseMatch:
        return ""


def _finance_contacts(customer_ids) -> dict[int, Contact]:
    """The customer's finance contact (the first in the customer's contact order)."""
    contacts = {}
    for contact in Contact.objects.filter(customer_id__in=customer_ids, role=ContactRole.FINANCE):
        contacts.setdefault(contact.customer_id, contact)
    return contacts


def _rung_code(key: str, codes: set[str]) -> str:
    """The rung code of an occurrence key: "overdue+8" → "overdue", "pre-due-7" → itself."""
    if key in codes:
        return key
    return re.sub(r"[+-]\d+$", "", key)


class _Messages:
    """Builds the outgoing messages of one batch."""

    def __init__(self, as_of: date, recorded=frozenset()):
        self.as_of = as_of
        self.language = settings.NOTIFICATIONS_CUSTOMER_LANGUAGE
        self.sms_on = sms.sms_enabled()
        self.outgoing: list[Outgoing] = []
        # (subject, rung, recipient, channel) already recorded: not rendered again.
        self.recorded = recorded

    def new(self, subject: str, rung: str, recipient: str, channel: str) -> bool:
        return (subject, rung, recipient, channel) not in self.recorded

    def context(self, installment, contact, *, language):
        loan = installment.loan
        label = f"贷款L{loan.pk}" if language == "zh-hans" else f"loan L{loan.pk}"
        return {
            "customer_name": loan.customer.name,
            "contact_name": contact.name if contact else "",
            "loan_label": label,
            "installment_number": installment.number,
            "due_date": installment.due_date,
            "maturity_date": loan.maturity_date,
            "amount_due": _money(installment.amount - installment.paid_amount),
            "days_until": max((installment.due_date - self.as_of).days, 0),
            "days_overdue": max((self.as_of - installment.due_date).days, 0),
            "relationship_manager": str(loan.customer.relationship_manager),
            "bank_name": settings.NOTIFICATIONS_BANK_NAME,
        }

    def reminder(self, installment, occurrence: Occurrence, rung: ReminderRung, contact):
        loan = installment.loan
        customer = loan.customer
        common = {
            "subject": f"installment:{installment.pk}",
            "installment_id": installment.pk,
            "rung": occurrence.key,
            "kind": rung.kind,
            "business_date": self.as_of,
            "customer_id": customer.pk,
            "loan_id": loan.pk,
            "url": _loan_url(loan.pk),
        }
        subject, key = common["subject"], occurrence.key
        staff = f"user:{customer.relationship_manager_id}"
        if rung.notify_relationship_manager and self.new(subject, key, staff, Channel.IN_APP):
            staff_context = self.context(installment, contact, language=settings.LANGUAGE_CODE)
            self.outgoing.append(
                Outgoing(
                    recipient=staff,
                    recipient_user_id=customer.relationship_manager_id,
                    channel=Channel.IN_APP,
                    title=rung.name,
                    body=render_in_app(rung.kind, context=staff_context),
                    **common,
                )
            )
        if contact is None:
            return
        context = self.context(installment, contact, language=self.language)
        recipient = f"contact:{contact.pk}"
        if (
            rung.email_finance_contact
            and contact.email
            and self.new(subject, key, recipient, Channel.EMAIL)
        ):
            title, body = render_email(rung.kind, language=self.language, context=context)
            self.outgoing.append(
                Outgoing(
                    recipient=recipient,
                    channel=Channel.EMAIL,
                    address=contact.email,
                    language=self.language,
                    title=title,
                    body=body,
                    **common,
                )
            )
        if (
            rung.sms_finance_contact
            and self.sms_on
            and contact.phone
            and self.new(subject, key, recipient, Channel.SMS)
        ):
            text = render_sms(rung.kind, language=self.language, context=context)
            self.outgoing.append(
                Outgoing(
                    recipient=recipient,
                    channel=Channel.SMS,
                    address=contact.phone,
                    language=self.language,
                    title=str(rung.name),
                    body=text,
                    **common,
                )
            )

    def escalation(self, notification, installment, *, audience: str, users, waited: int):
        loan = installment.loan
        subject, rung = f"installment:{installment.pk}", f"{notification.delivery.rung}:{audience}"
        users = [u for u in users if self.new(subject, rung, f"user:{u}", Channel.IN_APP)]
        if not users:
            return
        context = {
            **self.context(installment, None, language=settings.LANGUAGE_CODE),
            "days_unacknowledged": waited,
        }
        body = render_in_app(NotificationKind.ESCALATION, context=context)
        for user_id in users:
            self.outgoing.append(
                Outgoing(
                    subject=f"installment:{installment.pk}",
                    installment_id=installment.pk,
                    rung=f"{notification.delivery.rung}:{audience}",
                    recipient=f"user:{user_id}",
                    recipient_user_id=user_id,
                    channel=Channel.IN_APP,
                    kind=NotificationKind.ESCALATION,
                    title=str(NotificationKind.ESCALATION.label),
                    body=body,
                    business_date=self.as_of,
                    customer_id=loan.customer_id,
                    loan_id=loan.pk,
                    url=_loan_url(loan.pk),
                )
            )


def _risk_officer_ids() -> list[int]:
    return list(
        get_user_model()
        .objects.filter(groups__name=Role.RISK_OFFICER, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


class _Plan:
    """What one batch has to do, from a light pre-pass over plain values (no rendering).

    `keys` holds, per installment, the (subject, rung) pairs due on the business date: the
    latest occurrence of each ladder and the escalations whose waiting time is reached (the
    rules of `_escalations`, which sends them). The counts are those of the whole batch.
    """

    def __init__(self, *, ids: list[int], as_of: date, by_code, due_rungs, maturity_rungs):
        rows = list(
            Installment.objects.unpaid()
            .filter(pk__in=ids, loan__status=LoanStatus.ACTIVE)
            .order_by("pk")
            .values_list(
                "pk",
                "due_date",
                "loan__maturity_date",
                "loan__customer__relationship_manager_id",
                "loan__customer__relationship_manager__team__lead_id",
            )
        )
        self.installments = len(rows)
        self.reminders_due = 0
        self.escalations_due = 0
        self.keys: dict[int, set[tuple[str, str]]] = defaultdict(set)
        owners = {}
        for pk, due_date, maturity_date, rm_id, lead_id in rows:
            owners[pk] = (rm_id, lead_id)
            occurrences = [latest_occurrence(due_rungs, anchor=due_date, as_of=as_of)]
            if due_date == maturity_date:
                occurrences.append(
                    latest_occurrence(maturity_rungs, anchor=maturity_date, as_of=as_of)
                )
            for occurrence in filter(None, occurrences):
                self.reminders_due += 1
                self.keys[pk].add((f"installment:{pk}", occurrence.key))
        pending = (
            Notification.objects.filter(
                installment_id__in=list(owners),
                kind=NotificationKind.REPAYMENT_OVERDUE,
                acknowledged_at__isnull=True,
                delivery__isnull=False,
            )
            .order_by("pk")
            .values_list(
                "installment_id", "recipient_id", "delivery__rung", "delivery__business_date"
            )
        )
        risk_officers = None
        for installment_id, recipient_id, delivery_rung, business_date in pending:
            rm_id, lead_id = owners[installment_id]
            if recipient_id != rm_id:
                continue
            rung = by_code.get(_rung_code(delivery_rung, set(by_code)))
            if rung is None:
                continue
            waited = (as_of - business_date).days
            subject = f"installment:{installment_id}"
            if (
                rung.escalate_to_lead_after_days is not None
                and waited >= rung.escalate_to_lead_after_days
                and lead_id
                and lead_id != rm_id
            ):
                self.escalations_due += 1
                self.keys[installment_id].add((subject, f"{delivery_rung}:lead"))
            if (
                rung.escalate_to_risk_after_days is not None
                and waited >= rung.escalate_to_risk_after_days
            ):
                self.escalations_due += 1
                if risk_officers is None:
                    risk_officers = _risk_officer_ids()
                if risk_officers:  # nobody to tell: nothing will ever be recorded
                    self.keys[installment_id].add((subject, f"{delivery_rung}:risk"))

    def unrecorded(self) -> list[int]:
        """Installments with a due (subject, rung) pair that has no delivery yet (one query).

        A rung is recorded for all its channels and recipients in one transaction
        (`deliveries_record`), so any delivery with the pair means that rung was done.
        """
        wanted = set().union(*self.keys.values()) if self.keys else set()
        if not wanted:
            return []
        done = set(
            Delivery.objects.filter(
                subject__in=sorted({subject for subject, _ in wanted}),
                rung__in=sorted({rung for _, rung in wanted}),
            )
            .values_list("subject", "rung")
            .distinct()
        )
        return sorted(pk for pk, keys in self.keys.items() if keys - done)


@batch_handler(REMINDERS_JOB)
def reminders_batch(*, ids: list[int], as_of: date) -> dict[str, int]:
    """Record the due rungs and escalations of one batch of installments (set-based).

    A light pre-pass (`_Plan`: plain values, no decryption, no rendering) finds the due
    reminder occurrences and escalations and, in one query, which of those (subject, rung)
    pairs already have a delivery. A rung is recorded for all its channels in one transaction,
    so any delivery with the pair means the rung was done: only installments with a due pair
    not yet recorded are loaded in full and rendered. A second run for a date thus costs a few
    queries per batch, whatever its size, and queues nothing: still-pending email/SMS of earlier
    runs are the sweep's (`deliveries_sweep`, every 5 minutes).
    """
    rungs = _rungs()
    by_code = {rung.code: rung for ladder in rungs.values() for rung in ladder}
    due_rungs = _as_ladder_rungs(rungs[Ladder.DUE_DATE])
    maturity_rungs = _as_ladder_rungs(rungs[Ladder.MATURITY])
    plan = _Plan(
        ids=ids, as_of=as_of, by_code=by_code, due_rungs=due_rungs, maturity_rungs=maturity_rungs
    )
    counts = {
        "installments": plan.installments,
        "reminders_due": plan.reminders_due,
        "escalations_due": plan.escalations_due,
        "notifications": 0,
        "queued": 0,
    }
    todo = plan.unrecorded()
    if not todo:
        return counts
    # Re-checked here: an installment paid since the ids were found gets nothing.
    installments = list(
        Installment.objects.unpaid()
        .filter(pk__in=todo, loan__status=LoanStatus.ACTIVE)
        .select_related(
            "loan__customer__relationship_manager__team",
        )
        .order_by("pk")
    )
    contacts = _finance_contacts({item.loan.customer_id for item in installments})
    due = []
    for installment in installments:
        occurrences = [latest_occurrence(due_rungs, anchor=installment.due_date, as_of=as_of)]
        if installment.due_date == installment.loan.maturity_date:
            occurrences.append(
                latest_occurrence(
                    maturity_rungs, anchor=installment.loan.maturity_date, as_of=as_of
                )
            )
        due += [(installment, occurrence) for occurrence in occurrences if occurrence]
    subjects = {f"installment:{installment.pk}" for installment in installments}
    recorded = recorded_keys(subjects=subjects, rungs={occurrence.key for _, occurrence in due})
    recorded |= recorded_keys(subjects=subjects, rungs=_escalation_rungs(installments))
    messages = _Messages(as_of, recorded)
    for installment, occurrence in due:
        contact = contacts.get(installment.loan.customer_id)
        messages.reminder(installment, occurrence, by_code[occurrence.rung.code], contact)
    _escalations(installments, by_code, messages, as_of=as_of)
    result = deliveries_record(outgoing=messages.outgoing)
    counts["notifications"] = result.notifications
    counts["queued"] = len(result.queued)
    return counts


def _escalation_rungs(installments) -> set[str]:
    """The rungs escalations of these installments' unacknowledged overdue reminders would use."""
    rungs = Notification.objects.filter(
        installment_id__in=[installment.pk for installment in installments],
        kind=NotificationKind.REPAYMENT_OVERDUE,
        acknowledged_at__isnull=True,
        delivery__isnull=False,
    ).values_list("delivery__rung", flat=True)
    return {f"{rung}:{audience}" for rung in rungs for audience in ("lead", "risk")}


def _escalations(installments, by_code, messages: _Messages, *, as_of: date) -> int:
    """Escalate overdue reminders the RM has not acknowledged (lead first, then risk)."""
    by_pk = {installment.pk: installment for installment in installments}
    pending = (
        Notification.objects.filter(
            installment_id__in=list(by_pk),
            kind=NotificationKind.REPAYMENT_OVERDUE,
            acknowledged_at__isnull=True,
            delivery__isnull=False,
        )
        .select_related("delivery")
        .order_by("pk")
    )
    risk_officers = None
    count = 0
    for notification in pending:
        installment = by_pk[notification.installment_id]
        customer = installment.loan.customer
        # Only the owning RM's reminder escalates (not one a previous owner got).
        if notification.recipient_id != customer.relationship_manager_id:
            continue
        rung = by_code.get(_rung_code(notification.delivery.rung, set(by_code)))
        if rung is None:
            continue
        waited = (as_of - notification.delivery.business_date).days
        team = customer.relationship_manager.team
        lead_id = team.lead_id if team else None
        if (
            rung.escalate_to_lead_after_days is not None
            and waited >= rung.escalate_to_lead_after_days
            and lead_id
            and lead_id != customer.relationship_manager_id
        ):
            messages.escalation(
                notification, installment, audience="lead", users=[lead_id], waited=waited
            )
            count += 1
        if (
            rung.escalate_to_risk_after_days is not None
            and waited >= rung.escalate_to_risk_after_days
        ):
            if risk_officers is None:
                risk_officers = _risk_officer_ids()
            messages.escalation(
                notification, installment, audience="risk", users=risk_officers, waited=waited
            )
            count += 1
    return count


@daily_job(
    REMINDERS_JOB,
    order=20,
    description="Repayment, overdue and maturity reminders, and escalation of unacknowledged ones.",
)
def repayment_reminders(*, as_of: date) -> JobResult:
    """Send the reminder ladder's due rungs for every unpaid installment (once each, ever)."""
    counts = run_in_batches(job=REMINDERS_JOB, as_of=as_of, ids=work_ids(as_of=as_of))
    if counts.get("dispatched"):
        summary = f"{counts['ids']} installments in {counts['batches']} batches"
    else:
        summary = (
            f"{counts['ids']} installments: {counts.get('notifications', 0)} notifications, "
            f"{counts.get('queued', 0)} emails/SMS queued"
        )
    return JobResult(summary=summary, counts=counts)
