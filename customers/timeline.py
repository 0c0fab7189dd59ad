"""Customer timeline entries of the customers app: recorded changes, onboarding, statements."""

from itertools import groupby

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.registry import TimelineEntry, timeline_source

from .choices import ChangeKind
from .models import CustomerChange, FinancialStatement, OnboardingStep


def _customer_url(customer, anchor):
    return reverse("customers:customer-detail", args=[customer.pk]) + f"#{anchor}"


@timeline_source("customer_change", label=gettext_lazy("Profile changes"), order=10)
def changes(customer, user, *, limit):
    """Profile, classification, owner, contact and statement edits, one entry per save."""
    rows = list(
        CustomerChange.objects.visible_to(user)
        .filter(customer=customer)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")[: limit * 5]
    )
    entries = []
    # One save writes its rows with one timestamp: show them as one entry.
    for (at, kind, subject, actor), group in groupby(
        rows, key=lambda r: (r.changed_at, r.kind, r.subject, r.changed_by)
    ):
        group = list(group)
        # A new statement has its own entry (financial_statement source); skip its creation.
        if kind == ChangeKind.STATEMENT and all(not r.old_value for r in group):
            continue
        if kind == ChangeKind.OWNER:
            title = _("Reassigned from %(old)s to %(new)s") % {
                "old": group[0].old_value,
                "new": group[0].new_value,
            }
        else:
            title = _("%(kind)s changed: %(fields)s") % {
                "kind": f"{ChangeKind(kind).label} {subject}".strip(),
                "fields": ", ".join(sorted(r.field for r in group)),
            }
        entries.append(
            TimelineEntry(
                at=at,
                kind="customer_change",
                title=title,
                detail="; ".join(
                    f"{r.field}: {r.old_value or '—'} → {r.new_value or '—'}" for r in group
                )
                + (f" ({group[0].reason})" if group[0].reason else ""),
                url=_customer_url(customer, "history"),
                actor=str(actor) if actor else _("System (daily rules)"),
            )
        )
        if len(entries) == limit:
            break
    return entries


@timeline_source("onboarding_step", label=gettext_lazy("Onboarding"), order=11)
def onboarding_steps(customer, user, *, limit):
    """Recorded onboarding steps with their outcome."""
    rows = (
        OnboardingStep.objects.visible_to(user)
        .filter(customer=customer)
        .select_related("completed_by")
        .order_by("-completed_at", "-id")[:limit]
    )
    return [
        TimelineEntry(
            at=row.completed_at,
            kind="onboarding_step",
            title=_("Onboarding %(step)s: %(outcome)s")
            % {"step": row.get_step_display(), "outcome": row.get_outcome_display()},
            detail=row.notes,
            url=_customer_url(customer, "onboarding"),
            actor=str(row.completed_by),
        )
        for row in rows
    ]


@timeline_source("financial_statement", label=gettext_lazy("Financial statements"), order=12)
def statements(customer, user, *, limit):
    """New financial statements (when they were entered, not the period they cover)."""
    rows = (
        FinancialStatement.objects.visible_to(user)
        .filter(customer=customer)
        .select_related("created_by")
        .order_by("-created_at", "-id")[:limit]
    )
    return [
        TimelineEntry(
            at=row.created_at,
            kind="financial_statement",
            title=_("Financial statement for %(period)s entered") % {"period": row.period_end},
            detail=_("Revenue %(revenue)s, debt-to-asset %(ratio)s")
            % {
                "revenue": row.revenue,
                "ratio": row.debt_to_asset if row.debt_to_asset is not None else "—",
            },
            url=_customer_url(customer, "financials"),
            actor=str(row.created_by) if row.created_by else "",
        )
        for row in rows
    ]
