"""Writes of the customers app: every change goes through here (views, API, admin, import)."""

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.bulk import bulk_update_values
from crm.exceptions import ActionForbidden, DomainError
from crm.masking import mask_id_number, mask_phone, mask_text
from crm.models import AccessLog
from crm.roles import Role, has_role
from crm.services import access_log_record

from .choices import Assessment, ChangeKind, Criterion, LifecycleStage, OnboardingStepCode
from .models import (
    Contact,
    CriterionAssessment,
    Customer,
    CustomerChange,
    CustomerRelation,
    FinancialStatement,
    Need,
    OnboardingStep,
)
from .ratios import compute_ratios

CLASSIFICATION_FIELDS = ("tier", "segment", "lifecycle_stage", "value_tier")
# Written by the risk issue's scoring; shown here, never edited through the profile.
RISK_FIELDS = ("credit_grade", "risk_level", "risk_score")
RATIO_FIELDS = (
    "debt_to_asset",
    "current_ratio",
    "quick_ratio",
    "interest_coverage",
    "revenue_growth",
)


def _display(value) -> str:
    """A field value as text for the change log."""
    if value is None:
        return ""
    if hasattr(value, "pk"):
        return f"{value} (#{value.pk})"
    return str(value)[:300]


def check_manager(manager):
    """The owner must be an active relationship manager or team lead."""
    if manager is None or not manager.is_active:
        raise DomainError(_("Choose an active user."), field="relationship_manager")
    if not has_role(manager, Role.RELATIONSHIP_MANAGER, Role.TEAM_LEAD):
        raise DomainError(
            _("The owner must be a relationship manager or a team lead."),
            field="relationship_manager",
        )


def may_reassign(user, customer, new_manager) -> bool:
    """Admins reassign anyone; a team lead reassigns within the team they lead."""
    if user.is_superuser or user.is_staff:
        return True
    if not (has_role(user, Role.TEAM_LEAD) and user.has_perm("customers.reassign_customer")):
        return False
    team = getattr(user, "led_team", None)
    if team is None:
        return False
    current = customer.relationship_manager if customer else None
    return (current is None or current.team_id == team.pk) and new_manager.team_id == team.pk


def onboarding_blockers(customer) -> list[str]:
    """Why a prospect may not convert yet: steps 1–3 and the six criteria need no fail."""
    problems = []
    steps = {s.step: s.outcome for s in customer.onboarding_steps.all()}
    for code in (1, 2, 3):
        outcome = steps.get(code)
        if outcome is None:
            problems.append(
                _("Onboarding step %(step)s is not recorded.")
                % {"step": OnboardingStepCode(code).label}
            )
        elif outcome == Assessment.FAIL:
            problems.append(
                _("Onboarding step %(step)s failed.") % {"step": OnboardingStepCode(code).label}
            )
    assessed = {c.criterion: c.assessment for c in customer.criteria.all()}
    for criterion in Criterion:
        if criterion.value not in assessed:
            problems.append(_("Criterion %(c)s is not assessed.") % {"c": criterion.label})
        elif assessed[criterion.value] == Assessment.FAIL:
            problems.append(_("Criterion %(c)s failed.") % {"c": criterion.label})
    return problems


@transaction.atomic
def customer_create(*, user, data: dict) -> Customer:
    """Create a customer owned by the creator (an RM) or by the owner an admin/lead chose."""
    if not user.has_perm("customers.add_customer"):
        raise ActionForbidden(_("Your role may not create customers."))
    data = dict(data)
    manager = data.pop("relationship_manager", None)
    if manager is None:
        if not has_role(user, Role.RELATIONSHIP_MANAGER):
            raise DomainError(_("Choose the relationship manager."), field="relationship_manager")
        manager = user
    check_manager(manager)
    if manager.pk != user.pk and not may_reassign(user, None, manager):
        raise ActionForbidden(_("You may only create customers you own yourself."))
    for field in RISK_FIELDS:
        data.pop(field, None)
    customer = Customer(relationship_manager=manager, created_by=user, **data)
    if customer.collected_by_id is None:
        customer.collected_by = user
    if customer.collected_on is None:
        customer.collected_on = timezone.localdate()
    customer.classified_on = timezone.localdate()
    if customer.lifecycle_stage == LifecycleStage.CHURNED:
        # Recorded (e.g. imported) as a former customer: retention counts from today.
        customer.relationship_ended_on = timezone.localdate()
    customer.full_clean()
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError as exc:
        raise DomainError(_("A customer with this USCC already exists."), field="uscc") from exc
    return customer


@transaction.atomic
def customer_update(*, customer: Customer, user, data: dict, reason: str = "") -> Customer:
    """Change profile fields; every changed field is recorded with old and new value."""
    if not user.has_perm("customers.change_customer"):
        raise ActionForbidden(_("Your role may not change customers."))
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    data = dict(data)
    for field in RISK_FIELDS:
        if field in data and data[field] != getattr(customer, field):
            raise DomainError(_("This field is set by the risk scoring."), field=field)
        data.pop(field, None)
    new_manager = data.pop("relationship_manager", None)
    if new_manager is not None and new_manager.pk != customer.relationship_manager_id:
        customer_reassign(customer=customer, user=user, new_manager=new_manager, reason=reason)
        customer.refresh_from_db()
    if (
        data.get("lifecycle_stage") not in (None, customer.lifecycle_stage)
        and customer.lifecycle_stage == LifecycleStage.PROSPECT
    ):
        blockers = onboarding_blockers(customer)
        if blockers:
            raise DomainError(" ".join(blockers), field="lifecycle_stage")
    if (
        data.get("lifecycle_stage") == LifecycleStage.CHURNED
        and customer.lifecycle_stage != LifecycleStage.CHURNED
        and not reason.strip()
    ):
        # Only a person marks a customer churned (DOMAIN.md §5), and says why.
        raise DomainError(_("Say why the customer churned."), field="reason")
    changes = []
    classification_changed = False
    for field, value in data.items():
        old = getattr(customer, field)
        if old == value:
            continue
        kind = ChangeKind.CLASSIFICATION if field in CLASSIFICATION_FIELDS else ChangeKind.PROFILE
        classification_changed |= kind == ChangeKind.CLASSIFICATION
        changes.append(
            CustomerChange(
                customer=customer,
                kind=kind,
                field=field,
                old_value=_part_value(field, old),
                new_value=_part_value(field, value),
                reason=reason,
                changed_by=user,
            )
        )
        setattr(customer, field, value)
    if not changes:
        return customer
    if "lifecycle_stage" in data:
        # Retention counts from the end of the relationship (DOMAIN.md §8): the day the
        # customer is marked churned; a customer won back has no end date any more.
        if customer.lifecycle_stage == LifecycleStage.CHURNED:
            if customer.relationship_ended_on is None:
                customer.relationship_ended_on = timezone.localdate()
        else:
            customer.relationship_ended_on = None
    if classification_changed:
        customer.classified_on = timezone.localdate()
    customer.full_clean()
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError as exc:
        raise DomainError(_("A customer with this USCC already exists."), field="uscc") from exc
    CustomerChange.objects.bulk_create(changes)
    return customer


@transaction.atomic
def customer_reassign(*, customer: Customer, user, new_manager, reason: str = "") -> Customer:
    """Hand a customer to another relationship manager (team lead within the team, or admin)."""
    customer = (
        Customer.objects.select_for_update()
        .select_related("relationship_manager")
        .get(pk=customer.pk)
    )
    check_manager(new_manager)
    if not may_reassign(user, customer, new_manager):
        raise ActionForbidden(_("Only a team lead (within the team) or an admin may reassign."))
    if new_manager.pk == customer.relationship_manager_id:
        return customer
    CustomerChange.objects.create(
        customer=customer,
        kind=ChangeKind.OWNER,
        field="relationship_manager",
        old_value=_display(customer.relationship_manager),
        new_value=_display(new_manager),
        reason=reason,
        changed_by=user,
    )
    customer.relationship_manager = new_manager
    customer.save(update_fields=["relationship_manager", "updated_at"])
    return customer


@transaction.atomic
def customer_review_classification(*, customer: Customer, user, reason: str) -> Customer:
    """Confirm the current classification at a periodic review (resets the review clock)."""
    if not user.has_perm("customers.change_customer"):
        raise ActionForbidden(_("Your role may not change customers."))
    if not reason.strip():
        raise DomainError(_("Say what the review concluded."), field="reason")
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    CustomerChange.objects.create(
        customer=customer,
        kind=ChangeKind.CLASSIFICATION,
        field="classified_on",
        old_value=_display(customer.classified_on),
        new_value=_display(timezone.localdate()),
        reason=reason,
        changed_by=user,
    )
    customer.classified_on = timezone.localdate()
    customer.save(update_fields=["classified_on", "updated_at"])
    return customer


def _require(user, perm: str):
    if not user.has_perm(perm):
        raise ActionForbidden(_("Your role may not do this."))


# Encrypted contact fields: the change log (readable by everyone who sees the customer) keeps
# them masked, so the log never leaks what the masking hides.
MASKED_FIELDS = {
    "phone": mask_phone,
    "id_number": mask_id_number,
    "soft_information": mask_text,
}
STATEMENT_FIELDS = (
    "period_end",
    "revenue",
    "net_profit",
    "total_assets",
    "total_liabilities",
    "current_assets",
    "current_liabilities",
    "inventory",
    "operating_cash_flow",
    "interest_expense",
    "ebit",
    "audited",
    "data_source",
    "verified",
)


def _part_value(field: str, value) -> str:
    mask = MASKED_FIELDS.get(field)
    return mask(value) if mask else _display(value)


def _record_part_changes(*, customer_id, kind, subject, user, before: dict, after: dict):
    """One change row per field whose value differs between `before` and `after`."""
    now = timezone.now()
    CustomerChange.objects.bulk_create(
        CustomerChange(
            customer_id=customer_id,
            kind=kind,
            subject=subject[:200],
            field=field,
            old_value=_part_value(field, before.get(field)),
            new_value=_part_value(field, after.get(field)),
            changed_by=user,
            changed_at=now,
        )
        for field in after.keys() | before.keys()
        if before.get(field) != after.get(field)
    )


def _contact_subject(contact) -> str:
    return _("Contact %(name)s (#%(id)s)") % {"name": contact.name, "id": contact.pk}


def _statement_subject(statement) -> str:
    return _("Statement %(period)s (#%(id)s)") % {
        "period": statement.period_end,
        "id": statement.pk,
    }


CONTACT_FIELDS = tuple(
    f.name
    for f in Contact._meta.concrete_fields
    if f.name not in ("id", "customer", "created_at", "updated_at")
)


@transaction.atomic
def contact_create(*, customer: Customer, user, data: dict) -> Contact:
    """Add a contact to a customer; the new values are recorded in the change log."""
    _require(user, "customers.add_contact")
    contact = Contact(customer=customer, **data)
    contact.full_clean()
    contact.save()
    _record_part_changes(
        customer_id=customer.pk,
        kind=ChangeKind.CONTACT,
        subject=_contact_subject(contact),
        user=user,
        before={},
        after={
            f: getattr(contact, f) for f in CONTACT_FIELDS if getattr(contact, f) not in ("", None)
        },
    )
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, user, data: dict) -> Contact:
    """Change a contact; each changed field is recorded (encrypted fields masked)."""
    _require(user, "customers.change_contact")
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    before = {f: getattr(contact, f) for f in CONTACT_FIELDS}
    for field, value in data.items():
        setattr(contact, field, value)
    contact.full_clean()
    contact.save()
    _record_part_changes(
        customer_id=contact.customer_id,
        kind=ChangeKind.CONTACT,
        subject=_contact_subject(contact),
        user=user,
        before=before,
        after={f: getattr(contact, f) for f in CONTACT_FIELDS},
    )
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, user) -> None:
    """Remove a contact; the removal is recorded with its (masked) values."""
    _require(user, "customers.delete_contact")
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    _record_part_changes(
        customer_id=contact.customer_id,
        kind=ChangeKind.CONTACT,
        subject=_contact_subject(contact),
        user=user,
        before={
            f: getattr(contact, f) for f in CONTACT_FIELDS if getattr(contact, f) not in ("", None)
        },
        after={},
    )
    try:
        with transaction.atomic():
            contact.delete()
    except ProtectedError as exc:
        # Consent records and the share log are evidence and outlive nothing they refer to.
        raise DomainError(
            _("This contact has consent or sharing records, which are kept; it cannot be removed.")
        ) from exc


def contact_unmask(*, contact: Contact, user, request=None) -> dict[str, str]:
    """The contact's full phone and ID number for a permitted user; the reveal is logged."""
    from crm.masking import can_view_sensitive

    if not can_view_sensitive(user):
        raise ActionForbidden(_("You may not view sensitive numbers unmasked."))
    access_log_record(
        user=user,
        action=AccessLog.Action.UNMASK,
        category=AccessLog.Category.BASIC,
        customer=contact.customer,
        request=request,
        detail=f"contact #{contact.pk}: phone, id_number",
    )
    return {"phone": contact.phone, "id_number": contact.id_number}


def customer_soft_information_unmask(*, customer: Customer, user, request=None) -> str:
    """The customer's soft information (软信息) for a permitted user; the reveal is logged."""
    from crm.masking import can_view_sensitive

    if not can_view_sensitive(user):
        raise ActionForbidden(_("You may not view sensitive information unmasked."))
    access_log_record(
        user=user,
        action=AccessLog.Action.UNMASK,
        category=AccessLog.Category.RISK,
        customer=customer,
        request=request,
        detail="customer: soft_information",
    )
    return customer.soft_information


def statement_recompute_ratios(*, customer: Customer) -> None:
    """Recompute every period's ratios in date order (growth depends on the previous period)."""
    previous_revenue = None
    statements = list(
        FinancialStatement.objects.select_for_update()
        .filter(customer=customer)
        .order_by("period_end")
    )
    for statement in statements:
        ratios = compute_ratios(
            revenue=statement.revenue,
            total_assets=statement.total_assets,
            total_liabilities=statement.total_liabilities,
            current_assets=statement.current_assets,
            current_liabilities=statement.current_liabilities,
            inventory=statement.inventory,
            interest_expense=statement.interest_expense,
            ebit=statement.ebit,
            previous_revenue=previous_revenue,
        )
        for name, value in ratios.items():
            setattr(statement, name, value)
        previous_revenue = statement.revenue
    FinancialStatement.objects.bulk_update(statements, RATIO_FIELDS)


@transaction.atomic
def statement_save(
    *, customer: Customer, user, data: dict, statement: FinancialStatement | None = None
) -> FinancialStatement:
    """Create or change one period's figures and recompute the customer's ratios."""
    _require(
        user,
        "customers.change_financialstatement" if statement else "customers.add_financialstatement",
    )
    # Lock the customer: two periods saved at once would otherwise compute growth from stale rows.
    Customer.objects.select_for_update().get(pk=customer.pk)
    if statement is None:
        statement = FinancialStatement(customer=customer, created_by=user)
        before = {}
    else:
        statement = FinancialStatement.objects.select_for_update().get(pk=statement.pk)
        before = {f: getattr(statement, f) for f in STATEMENT_FIELDS}
    for field, value in data.items():
        setattr(statement, field, value)
    statement.full_clean(exclude=["customer", *RATIO_FIELDS])
    try:
        with transaction.atomic():
            statement.save()
    except IntegrityError as exc:
        raise DomainError(
            _("This customer already has a statement for this period end."), field="period_end"
        ) from exc
    after = {f: getattr(statement, f) for f in STATEMENT_FIELDS}
    if not before:
        after = {f: v for f, v in after.items() if v not in ("", None)}
    _record_part_changes(
        customer_id=customer.pk,
        kind=ChangeKind.STATEMENT,
        subject=_statement_subject(statement),
        user=user,
        before=before,
        after=after,
    )
    statement_recompute_ratios(customer=customer)
    statement.refresh_from_db()
    return statement


@transaction.atomic
def relation_create(*, customer: Customer, user, related: Customer, kind: str, note: str = ""):
    """Link two customers (parent, subsidiary, affiliate, same controller, guarantor-of)."""
    _require(user, "customers.change_customer")
    if related.pk == customer.pk:
        raise DomainError(_("A customer cannot be related to itself."), field="related")
    try:
        with transaction.atomic():
            return CustomerRelation.objects.create(
                customer=customer, related=related, kind=kind, note=note, created_by=user
            )
    except IntegrityError as exc:
        raise DomainError(_("This relation is already recorded."), field="related") from exc


@transaction.atomic
def relation_delete(*, relation: CustomerRelation, user) -> None:
    """Remove a link between two customers."""
    _require(user, "customers.change_customer")
    relation.delete()


@transaction.atomic
def need_save(*, customer: Customer, user, data: dict, need: Need | None = None) -> Need:
    """Create or change an entry of the needs register."""
    _require(user, "customers.change_need" if need else "customers.add_need")
    if need is None:
        need = Need(customer=customer, owner=user)
    else:
        need = Need.objects.select_for_update().get(pk=need.pk)
    for field, value in data.items():
        setattr(need, field, value)
    if need.last_reviewed_on is None:
        need.last_reviewed_on = timezone.localdate()
    need.full_clean()
    need.save()
    return need


@transaction.atomic
def onboarding_step_record(
    *, customer: Customer, user, step: int, outcome: str, notes: str = ""
) -> OnboardingStep:
    """Record one onboarding step; steps run in order and a failed step stops the sequence."""
    _require(user, "customers.change_customer")
    Customer.objects.select_for_update().get(pk=customer.pk)
    done = dict(customer.onboarding_steps.values_list("step", "outcome"))
    if step in done:
        raise DomainError(_("This step is already recorded."), field="step")
    for earlier in range(1, step):
        if earlier not in done:
            raise DomainError(
                _("Record step %(n)s first: the steps run in order.") % {"n": earlier},
                field="step",
            )
        if done[earlier] == Assessment.FAIL:
            raise DomainError(
                _("Step %(n)s failed; the onboarding stops there.") % {"n": earlier},
                field="step",
            )
    return OnboardingStep.objects.create(
        customer=customer, step=step, outcome=outcome, notes=notes, completed_by=user
    )


@transaction.atomic
def criterion_assess(
    *, customer: Customer, user, criterion: str, assessment: str, notes: str = ""
) -> CriterionAssessment:
    """Assess (or re-assess) one of the six identification criteria."""
    _require(user, "customers.change_customer")
    row, _created = CriterionAssessment.objects.update_or_create(
        customer=customer,
        criterion=criterion,
        defaults={
            "assessment": assessment,
            "notes": notes,
            "assessed_by": user,
            "assessed_at": timezone.now(),
        },
    )
    return row


def _lifecycle_messages() -> dict[str, str]:
    return {
        "inactive": _("Churn indicator: no active loan, transaction or contact for %(d)s days"),
        "not_renewed": _("Churn indicator: last loan matured %(r)s days ago and was not renewed"),
        "second_loan": _("Second loan disbursed"),
        "seasoned": _("First loan has run %(m)s months"),
    }


def _classification_facts(customer_ids: list[int], *, as_of):
    """Loans, last activity and the last manual lifecycle change per customer (set-based)."""
    from django.db.models import Max
    from django.db.models.functions import TruncDate

    from interactions.choices import TaskStatus
    from interactions.models import Task
    from loans.choices import LoanStatus
    from loans.models import Loan, Repayment

    from .segmentation import LoanFact

    loans: dict[int, list[LoanFact]] = {}
    for row in Loan.objects.filter(customer_id__in=customer_ids, disbursed_on__lte=as_of).values(
        "customer_id", "disbursed_on", "maturity_date", "status"
    ):
        loans.setdefault(row["customer_id"], []).append(
            LoanFact(
                disbursed_on=row["disbursed_on"],
                maturity_date=row["maturity_date"],
                active=row["status"] == LoanStatus.ACTIVE,
            )
        )
    # Activity: disbursements (in `loans`), repayments not reversed and completed tasks, the
    # contacts the product records today (the interactions issue adds the contact history).
    activity: dict[int, object] = {}

    def bump(customer_id, day):
        if (
            day is not None
            and day <= as_of
            and (activity.get(customer_id) is None or day > activity[customer_id])
        ):
            activity[customer_id] = day

    for customer_id, facts in loans.items():
        for fact in facts:
            bump(customer_id, fact.disbursed_on)
    for customer_id, day in (
        Repayment.objects.filter(loan__customer_id__in=customer_ids, reversed_at__isnull=True)
        .values("loan__customer_id")
        .annotate(last=Max("paid_on"))
        .values_list("loan__customer_id", "last")
        .order_by()
    ):
        bump(customer_id, day)
    for customer_id, day in (
        Task.objects.filter(customer_id__in=customer_ids, status=TaskStatus.DONE)
        .values("customer_id")
        .annotate(last=Max(TruncDate("completed_at")))
        .values_list("customer_id", "last")
        .order_by()
    ):
        bump(customer_id, day)
    manual = dict(
        CustomerChange.objects.filter(
            customer_id__in=customer_ids, field="lifecycle_stage", changed_by__isnull=False
        )
        .values("customer_id")
        .annotate(last=Max(TruncDate("changed_at")))
        .values_list("customer_id", "last")
        .order_by()
    )
    return loans, activity, manual


CLASSIFY_CHUNK = 2000
CLASSIFY_FIELDS = (
    "id",
    "cooperation_start",
    "approved_credit",
    "deposits",
    "intermediate_income",
    "products_held",
    "contribution_score",
    "credit_grade",
    "risk_level",
    "tier",
    "segment",
    "value_tier",
    "lifecycle_stage",
    "classified_on",
)


@transaction.atomic
def customers_classify(*, as_of) -> dict[str, int]:
    """Apply the classification rules of the current policy to every customer not churned.

    Contribution score, value tier, service tier, segment and the automatic lifecycle moves
    (docs/adr/0003-segmentation-rules.md). Set-based: a fixed number of queries whatever the
    number of customers per chunk of `CLASSIFY_CHUNK`, which bounds the memory; each changed
    field gets a change row (user = system). Running it again for the same date changes nothing.
    Returns the number of changes per field.
    """
    from loans.selectors import exposure_by_customer

    from .models import SegmentationPolicy
    from .segmentation import contribution_score, high_value_cutoff

    policy = SegmentationPolicy.current()
    customers = Customer.objects.exclude(lifecycle_stage=LifecycleStage.CHURNED).order_by("id")
    # Locked up front, as a whole (ids only): the customers are then read a chunk at a time.
    ids = list(customers.select_for_update().values_list("pk", flat=True))
    chunks = [ids[start : start + CLASSIFY_CHUNK] for start in range(0, len(ids), CLASSIFY_CHUNK)]
    messages = _lifecycle_messages()
    messages = {
        "inactive": messages["inactive"] % {"d": policy.churn_inactive_days},
        "not_renewed": messages["not_renewed"] % {"r": policy.churn_renewal_days},
        "second_loan": messages["second_loan"],
        "seasoned": messages["seasoned"] % {"m": policy.established_after_months},
    }
    # First pass: every contribution score, for the high-value cut over the whole portfolio.
    scores = {}
    for chunk in chunks:
        exposure = exposure_by_customer(chunk)
        for pk, deposits, income, products in customers.filter(pk__in=chunk).values_list(
            "pk", "deposits", "intermediate_income", "products_held"
        ):
            scores[pk] = contribution_score(
                loans=exposure.get(pk),
                deposits=deposits,
                intermediate_income=income,
                products_held=products,
                policy=policy,
            )
    cutoff = high_value_cutoff(
        [s for s in scores.values() if s], top_percent=policy.high_value_top_percent
    )
    reasons = {
        "contribution_score": _("Contribution rule (loans, deposits, income, products)"),
        "value_tier": _("Value-tier rule (top %(p)s%% by contribution)")
        % {"p": policy.high_value_top_percent},
        "tier": _("Tier rule (approved credit ≥ %(c)s or contribution ≥ %(s)s)")
        % {"c": policy.key_credit_threshold, "s": policy.key_contribution_threshold},
        "segment": _("Segment rule (credit grade, risk level, contribution, value tier)"),
    }
    counts = dict.fromkeys((*reasons, "lifecycle_stage"), 0)
    now = timezone.now()
    # Second pass, a chunk at a time: memory stays flat whatever the size of the portfolio.
    for chunk in chunks:
        rows = customers.filter(pk__in=chunk).only(*CLASSIFY_FIELDS)
        loans, activity, manual = _classification_facts(chunk, as_of=as_of)
        _classify_rows(
            rows,
            as_of=as_of,
            policy=policy,
            scores=scores,
            cutoff=cutoff,
            facts=(loans, activity, manual),
            reasons=reasons,
            messages=messages,
            counts=counts,
            now=now,
        )
    return counts


def _classify_rows(
    rows, *, as_of, policy, scores, cutoff, facts, reasons, messages, counts, now
) -> None:
    """Classify one chunk of customers; write their changes and change rows."""
    from .segmentation import (
        lifecycle_transition,
        segment_for,
        suggested_tier,
        suggested_value_tier,
    )

    loans, activity, manual = facts
    changed_rows, changes = [], []
    for row in rows:
        new = {"contribution_score": scores[row.pk]}
        # A zero score never makes the high-value cut, however few customers are scored.
        new["value_tier"] = suggested_value_tier(
            contribution_score=new["contribution_score"] or None,
            credit_grade=row.credit_grade,
            cutoff=cutoff,
            policy=policy,
        )
        new["tier"] = suggested_tier(
            approved_credit=row.approved_credit,
            contribution_score=new["contribution_score"],
            policy=policy,
        )
        new["segment"] = segment_for(
            credit_grade=row.credit_grade,
            risk_level=row.risk_level,
            contribution_score=new["contribution_score"],
            value_tier=new["value_tier"],
            policy=policy,
        )
        field_reasons = dict(reasons)
        move = lifecycle_transition(
            stage=row.lifecycle_stage,
            loans=loans.get(row.pk, []),
            last_activity=_latest(activity.get(row.pk), row.cooperation_start, as_of=as_of),
            manual_since=manual.get(row.pk),
            as_of=as_of,
            policy=policy,
            messages=messages,
        )
        if move is not None:
            new["lifecycle_stage"] = move.stage
            field_reasons["lifecycle_stage"] = move.reason
        touched = classified = False
        for field, value in new.items():
            old = getattr(row, field)
            if old == value or (old in ("", None) and value in ("", None)):
                continue
            changes.append(
                CustomerChange(
                    customer=row,
                    kind=ChangeKind.CLASSIFICATION,
                    field=field,
                    old_value=_display(old),
                    new_value=_display(value),
                    reason=field_reasons[field],
                    changed_by=None,
                    changed_at=now,
                )
            )
            setattr(row, field, value)
            counts[field] += 1
            touched = True
            classified |= field in CLASSIFICATION_FIELDS
        if touched:
            if classified:
                row.classified_on = as_of
            changed_rows.append(row)
    bulk_update_values(Customer, changed_rows, [*reasons, "lifecycle_stage", "classified_on"])
    CustomerChange.objects.bulk_create(changes, batch_size=1000)


def _latest(*days, as_of):
    """The latest of the dates that are known and not after `as_of`."""
    known = [day for day in days if day is not None and day <= as_of]
    return max(known) if known else None
