"""Writes of the customers app: every change goes through here (views, API, admin, import)."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.exceptions import ActionForbidden, DomainError
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
                old_value=_display(old),
                new_value=_display(value),
                reason=reason,
                changed_by=user,
            )
        )
        setattr(customer, field, value)
    if not changes:
        return customer
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


@transaction.atomic
def contact_create(*, customer: Customer, user, data: dict) -> Contact:
    """Add a contact to a customer."""
    _require(user, "customers.add_contact")
    contact = Contact(customer=customer, **data)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_update(*, contact: Contact, user, data: dict) -> Contact:
    """Change a contact."""
    _require(user, "customers.change_contact")
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    for field, value in data.items():
        setattr(contact, field, value)
    contact.full_clean()
    contact.save()
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, user) -> None:
    """Remove a contact."""
    _require(user, "customers.delete_contact")
    contact.delete()


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


@transaction.atomic
def customers_apply_value_tiers() -> int:
    """Set every customer's value tier from the contribution rule (DOMAIN.md §3, §10).

    Set-based: one read of the scores, one bulk update and one bulk insert of change rows for
    the customers whose tier moves; running it again changes nothing. Returns the count moved.
    """
    from .models import SegmentationPolicy
    from .segmentation import high_value_cutoff, suggested_value_tier

    policy = SegmentationPolicy.current()
    rows = list(
        Customer.objects.select_for_update()
        .exclude(lifecycle_stage=LifecycleStage.CHURNED)
        .only("id", "contribution_score", "credit_grade", "value_tier")
    )
    cutoff = high_value_cutoff(
        [r.contribution_score for r in rows], top_percent=policy.high_value_top_percent
    )
    moved, changes = [], []
    for customer in rows:
        tier = suggested_value_tier(
            contribution_score=customer.contribution_score,
            credit_grade=customer.credit_grade,
            cutoff=cutoff,
            policy=policy,
        )
        if tier == customer.value_tier:
            continue
        changes.append(
            CustomerChange(
                customer=customer,
                kind=ChangeKind.CLASSIFICATION,
                field="value_tier",
                old_value=customer.value_tier,
                new_value=tier,
                reason=_("Value-tier rule (top %(p)s%% by contribution)")
                % {"p": policy.high_value_top_percent},
                changed_by=None,
            )
        )
        customer.value_tier = tier
        moved.append(customer)
    Customer.objects.bulk_update(moved, ["value_tier"], batch_size=1000)
    CustomerChange.objects.bulk_create(changes, batch_size=1000)
    return len(moved)
