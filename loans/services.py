"""Writes of the loans app: the application workflow, disbursement, repayments, classification.

Every state change locks the row it changes (`select_for_update`), checks the caller's role and
the transition, and writes the change and its event in one transaction.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.exceptions import ActionForbidden, DomainError, TransitionNotAllowed
from crm.roles import Role, has_role
from customers.models import Customer
from interactions.choices import TaskKind
from interactions.services import task_create

from . import schedule
from .batch import refresh_loans
from .choices import (
    EDITABLE,
    PENDING_DECISION,
    ApplicationAction,
    ApplicationStatus,
    ApprovalDecision,
    ApprovalKind,
    Classification,
    ClassificationSource,
    GuaranteeMethod,
    InstallmentStatus,
    LoanStatus,
    Material,
    ProposalStatus,
)
from .models import (
    ZERO,
    ApprovalRecord,
    ApprovalTier,
    ClassificationChange,
    ClassificationProposal,
    Collateral,
    Guarantor,
    Installment,
    Loan,
    LoanApplication,
    LoanApplicationEvent,
    LoanProduct,
    Repayment,
    RepaymentAllocation,
)

APPLICATION_FIELDS = (
    "product",
    "amount",
    "term_months",
    "annual_rate",
    "repayment_method",
    "purpose",
    "guarantee_method",
    "priority",
    "materials",
)
# The RM's follow-up after each status change: tell the customer within a working day or so.
FOLLOW_UP_DAYS = 1


# --- validation -------------------------------------------------------------------------------


def product_limit_errors(
    *,
    product: LoanProduct,
    amount: Decimal,
    term_months: int,
    annual_rate: Decimal,
    repayment_method: str | None = None,
    guarantee_method: str | None = None,
    prefix: str = "",
) -> dict[str, list[str]]:
    """The field errors of terms that fall outside the product's limits (empty when valid)."""
    errors: dict[str, list[str]] = {}
    if not product.is_active:
        errors["product"] = [_("This product is no longer offered.")]
    if not product.min_amount <= amount <= product.max_amount:
        errors[f"{prefix}amount"] = [
            _("The amount must be between %(min)s and %(max)s for %(code)s.")
            % {"min": product.min_amount, "max": product.max_amount, "code": product.code}
        ]
    if not product.min_term_months <= term_months <= product.max_term_months:
        errors[f"{prefix}term_months"] = [
            _("The term must be between %(min)s and %(max)s months for %(code)s.")
            % {"min": product.min_term_months, "max": product.max_term_months, "code": product.code}
        ]
    if not product.min_rate <= annual_rate <= product.max_rate:
        errors[f"{prefix}annual_rate"] = [
            _("The annual rate must be between %(min)s %% and %(max)s %% for %(code)s.")
            % {"min": product.min_rate, "max": product.max_rate, "code": product.code}
        ]
    if repayment_method is not None and repayment_method not in product.repayment_methods:
        errors["repayment_method"] = [
            _("%(code)s does not offer this repayment method.") % {"code": product.code}
        ]
    if guarantee_method is not None and guarantee_method not in product.guarantee_methods:
        errors["guarantee_method"] = [
            _("%(code)s does not accept this guarantee method.") % {"code": product.code}
        ]
    return errors


def _validate_terms(fields: dict) -> None:
    """Raise a ValidationError (400) when the application's terms break the product's limits."""
    errors = product_limit_errors(
        product=fields["product"],
        amount=fields["amount"],
        term_months=fields["term_months"],
        annual_rate=fields["annual_rate"],
        repayment_method=fields["repayment_method"],
        guarantee_method=fields["guarantee_method"],
    )
    if errors:
        raise ValidationError(errors)


# --- helpers ----------------------------------------------------------------------------------


def _lock_application(application: LoanApplication) -> LoanApplication:
    """The application re-read under a row lock, so concurrent actions queue behind each other."""
    return (
        LoanApplication.objects.select_for_update(of=("self",))
        .select_related("customer", "product")
        .get(pk=application.pk)
    )


def _require_role(user, *roles: str, message: str) -> None:
    if not has_role(user, *roles):
        raise ActionForbidden(message)


def _require_owner_rm(application: LoanApplication, user) -> None:
    """Maker actions: a relationship manager who can see this customer."""
    _require_role(
        user,
        Role.RELATIONSHIP_MANAGER,
        message=_("Only relationship managers prepare, sign and disburse applications."),
    )
    if not Customer.objects.visible_to(user).filter(pk=application.customer_id).exists():
        raise ActionForbidden(_("This customer belongs to another relationship manager."))


def _require_status(application: LoanApplication, allowed, action: str) -> None:
    if application.status not in allowed:
        raise TransitionNotAllowed(
            _("Cannot %(action)s an application that is %(status)s.")
            % {"action": action, "status": application.get_status_display()}
        )


def is_maker(application: LoanApplication, user) -> bool:
    """True when the user created or ever submitted the application (four eyes)."""
    if application.created_by_id == user.pk:
        return True
    return application.events.filter(action=ApplicationAction.SUBMIT, actor=user).exists()


def _record(
    application: LoanApplication, *, actor, action: str, to_status: str, comment: str = ""
) -> LoanApplicationEvent:
    """Move the (locked) application to `to_status` and write the event and the RM's task."""
    from_status = application.status
    application.status = to_status
    application.save()
    event = LoanApplicationEvent.objects.create(
        application=application,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
    )
    if from_status != to_status:
        customer = application.customer
        task_create(
            owner=customer.relationship_manager,
            customer=customer,
            kind=TaskKind.LOAN_APPLICATION,
            title=_("Update %(customer)s: application #%(id)s is %(status)s")
            % {
                "customer": customer.name,
                "id": application.pk,
                "status": application.get_status_display(),
            },
            description=comment,
            due_date=timezone.localdate() + timedelta(days=FOLLOW_UP_DAYS),
            source_key=f"loan-application:{application.pk}:event:{event.pk}",
            created_by=actor,
        )
    return event


# --- applications -----------------------------------------------------------------------------


@transaction.atomic
def application_create(*, user, customer: Customer, comment: str = "", **fields) -> LoanApplication:
    """Create a draft application for a customer the relationship manager can see."""
    _require_role(
        user,
        Role.RELATIONSHIP_MANAGER,
        message=_("Only relationship managers create applications."),
    )
    if not Customer.objects.visible_to(user).filter(pk=customer.pk).exists():
        raise DomainError(_("Choose one of your customers."), field="customer")
    unknown = set(fields) - set(APPLICATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown application fields: {', '.join(sorted(unknown))}")
    _validate_terms(fields)
    application = LoanApplication(customer=customer, created_by=user, **fields)
    application.full_clean()
    application.save()
    LoanApplicationEvent.objects.create(
        application=application,
        actor=user,
        action=ApplicationAction.CREATE,
        from_status="",
        to_status=ApplicationStatus.DRAFT,
        comment=comment,
    )
    return application


@transaction.atomic
def application_update(*, application: LoanApplication, user, **fields) -> LoanApplication:
    """Change the terms of a draft or returned application."""
    application = _lock_application(application)
    _require_owner_rm(application, user)
    _require_status(application, EDITABLE, _("edit"))
    unknown = set(fields) - set(APPLICATION_FIELDS)
    if unknown:
        raise TypeError(f"Unknown application fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(application, name, value)
    _validate_terms({name: getattr(application, name) for name in APPLICATION_FIELDS})
    application.full_clean(exclude=["customer", "product", "created_by"])
    application.save()
    return application


@transaction.atomic
def collateral_add(*, application: LoanApplication, user, **fields) -> Collateral:
    """Add a collateral item to a draft or returned application."""
    application = _lock_application(application)
    _require_owner_rm(application, user)
    _require_status(application, EDITABLE, _("add collateral to"))
    item = Collateral(application=application, **fields)
    item.full_clean(exclude=["application"])
    item.save()
    return item


@transaction.atomic
def collateral_remove(*, item: Collateral, user) -> None:
    """Remove a collateral item from a draft or returned application."""
    application = _lock_application(item.application)
    _require_owner_rm(application, user)
    _require_status(application, EDITABLE, _("remove collateral from"))
    item.delete()


@transaction.atomic
def guarantor_add(*, application: LoanApplication, user, **fields) -> Guarantor:
    """Add a guarantor (a customer, or an institution or person by name) to an application."""
    application = _lock_application(application)
    _require_owner_rm(application, user)
    _require_status(application, EDITABLE, _("add a guarantor to"))
    guarantor = Guarantor(application=application, **fields)
    if guarantor.customer_id is None and not guarantor.name.strip():
        raise ValidationError({"name": [_("Name the guarantor or choose a customer.")]})
    if guarantor.customer_id == application.customer_id:
        raise ValidationError({"customer": [_("A borrower cannot guarantee its own loan.")]})
    guarantor.full_clean(exclude=["application", "customer"])
    guarantor.save()
    return guarantor


@transaction.atomic
def guarantor_remove(*, guarantor: Guarantor, user) -> None:
    """Remove a guarantor from a draft or returned application."""
    application = _lock_application(guarantor.application)
    _require_owner_rm(application, user)
    _require_status(application, EDITABLE, _("remove a guarantor from"))
    guarantor.delete()


@transaction.atomic
def application_materials_update(
    *, application: LoanApplication, user, materials: list[str]
) -> LoanApplication:
    """Record which materials the RM has received (draft or returned applications)."""
    application = _lock_application(application)
    _require_owner_rm(application, user)
    _require_status(application, EDITABLE, _("update the materials of"))
    unknown = sorted(set(materials) - set(Material.values))
    if unknown:
        raise ValidationError(
            {"materials": [_("Unknown materials: %(codes)s.") % {"codes": ", ".join(unknown)}]}
        )
    before = set(application.materials)
    after = [code for code in Material.values if code in set(materials)]
    if set(after) == before:
        return application
    labels = dict(Material.choices)
    added = [str(labels[code]) for code in after if code not in before]
    removed = [str(labels[code]) for code in Material.values if code in before - set(after)]
    comment = "; ".join(
        part
        for part in (
            _("received: %(items)s") % {"items": ", ".join(added)} if added else "",
            _("no longer held: %(items)s") % {"items": ", ".join(removed)} if removed else "",
        )
        if part
    )
    application.materials = after
    _record(
        application,
        actor=user,
        action=ApplicationAction.MATERIALS,
        to_status=application.status,
        comment=comment,
    )
    return application


def missing_materials(application: LoanApplication) -> list[str]:
    """Required materials (product and guarantee method) not yet received, in checklist order."""
    received = set(application.materials)
    required = application.product.materials_required_for(application.guarantee_method)
    return [code for code in required if code not in received]


def _limit_check(application: LoanApplication) -> dict:
    """The limit check attached at submission: product limits and the customer's exposure."""
    exposure = (
        Loan.objects.filter(
            customer_id=application.customer_id, status=LoanStatus.ACTIVE
        ).aggregate(total=Sum("outstanding_principal"))["total"]
        or ZERO
    )
    product = application.product
    return {
        "product": product.code,
        "product_min_amount": str(product.min_amount),
        "product_max_amount": str(product.max_amount),
        "within_product_limits": True,
        "existing_exposure": str(exposure),
        "exposure_after": str(exposure + application.amount),
    }


@transaction.atomic
def application_submit(*, application: LoanApplication, user, comment: str = "") -> LoanApplication:
    """Submit a draft or returned application for approval (opens a new review round)."""
    application = _lock_application(application)
    _require_owner_rm(application, user)
    _require_status(application, EDITABLE, _("submit"))
    _validate_terms({name: getattr(application, name) for name in APPLICATION_FIELDS})
    method = application.guarantee_method
    if method == GuaranteeMethod.COLLATERAL and not application.collateral.exists():
        raise ValidationError(
            {"guarantee_method": [_("A collateral-backed application needs collateral.")]}
        )
    if method == GuaranteeMethod.GUARANTEE and not application.guarantors.exists():
        raise ValidationError(
            {"guarantee_method": [_("A guaranteed application needs at least one guarantor.")]}
        )
    missing = missing_materials(application)
    if missing:
        labels = dict(Material.choices)
        raise ValidationError(
            {
                "materials": [
                    _("Tick the missing required materials first: %(items)s.")
                    % {"items": ", ".join(str(labels[code]) for code in missing)}
                ]
            }
        )
    tier = ApprovalTier.objects.for_amount(application.amount)
    if tier is None:
        raise DomainError(_("No approval authority covers this amount; ask an administrator."))
    application.round += 1
    application.approvals_required = tier.approvals_required
    application.risk_sign_off_required = application.customer.risk_level == "high"
    application.risk_score_at_submission = application.customer.risk_score
    application.limit_check = _limit_check(application)
    application.submitted_at = timezone.now()
    application.approved_amount = None
    application.approved_term_months = None
    application.approved_annual_rate = None
    _record(
        application,
        actor=user,
        action=ApplicationAction.SUBMIT,
        to_status=ApplicationStatus.SUBMITTED,
        comment=comment,
    )
    return application


def _require_checker(application: LoanApplication, user) -> None:
    """Four eyes: whoever created or submitted the application never decides on it."""
    if is_maker(application, user):
        raise ActionForbidden(_("You prepared this application; another person must decide."))


def _round_approvals(application: LoanApplication):
    """The levels filled in the current round (a return fills none)."""
    return ApprovalRecord.objects.filter(
        application=application, round=application.round, kind=ApprovalKind.APPROVAL
    ).exclude(decision=ApprovalDecision.RETURN)


def _risk_signed_off(application: LoanApplication) -> bool:
    return ApprovalRecord.objects.filter(
        application=application,
        round=application.round,
        kind=ApprovalKind.RISK_SIGN_OFF,
        decision=ApprovalDecision.SIGN_OFF,
    ).exists()


def _complete_if_ready(application: LoanApplication, *, actor, action: str, comment: str) -> None:
    """Approved once enough distinct approvers agreed and, when needed, risk signed off."""
    approvals = list(_round_approvals(application).order_by("level"))
    done = len(approvals) >= application.approvals_required and (
        not application.risk_sign_off_required or _risk_signed_off(application)
    )
    if done:
        final = approvals[-1]
        application.approved_amount = final.approved_amount
        application.approved_term_months = final.approved_term_months
        application.approved_annual_rate = final.approved_annual_rate
        application.decided_at = timezone.now()
        to_status = ApplicationStatus.APPROVED
    else:
        to_status = ApplicationStatus.UNDER_REVIEW
    _record(application, actor=actor, action=action, to_status=to_status, comment=comment)


@transaction.atomic
def application_approve(
    *,
    application: LoanApplication,
    user,
    comment: str = "",
    approved_amount: Decimal | None = None,
    approved_term_months: int | None = None,
    approved_annual_rate: Decimal | None = None,
    conditions: str = "",
) -> LoanApplication:
    """Record one credit approver's approval at the next level; approve when enough agreed."""
    _require_role(user, Role.CREDIT_APPROVER, message=_("Only credit approvers approve."))
    # The lock serialises approvers acting at the same instant: the second one sees the first
    # one's level (or the final status) and either fills the next level or is refused.
    application = _lock_application(application)
    _require_status(application, PENDING_DECISION, _("approve"))
    _require_checker(application, user)
    approvals = list(_round_approvals(application).order_by("level"))
    if any(record.approver_id == user.pk for record in approvals):
        raise ActionForbidden(
            _("You already approved this application; a different approver must.")
        )
    if len(approvals) >= application.approvals_required:
        raise TransitionNotAllowed(_("All approval levels are filled; waiting for risk sign-off."))
    previous = approvals[-1] if approvals else None
    amount = (
        approved_amount
        if approved_amount is not None
        else (previous.approved_amount if previous else application.amount)
    )
    term = (
        approved_term_months
        if approved_term_months is not None
        else (previous.approved_term_months if previous else application.term_months)
    )
    rate = (
        approved_annual_rate
        if approved_annual_rate is not None
        else (previous.approved_annual_rate if previous else application.annual_rate)
    )
    errors = product_limit_errors(
        product=application.product,
        amount=amount,
        term_months=term,
        annual_rate=rate,
        prefix="approved_",
    )
    if amount > application.amount:
        errors.setdefault("approved_amount", []).append(
            _("The approved amount cannot exceed the %(amount)s applied for.")
            % {"amount": application.amount}
        )
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            ApprovalRecord.objects.create(
                application=application,
                round=application.round,
                kind=ApprovalKind.APPROVAL,
                level=len(approvals) + 1,
                approver=user,
                decision=(
                    ApprovalDecision.APPROVE_WITH_CONDITIONS
                    if conditions.strip()
                    else ApprovalDecision.APPROVE
                ),
                approved_amount=amount,
                approved_term_months=term,
                approved_annual_rate=rate,
                conditions=conditions,
                reason=comment,
            )
    except IntegrityError:  # pragma: no cover - the row lock above makes this unreachable
        raise TransitionNotAllowed(_("Another approver decided at the same time.")) from None
    _complete_if_ready(application, actor=user, action=ApplicationAction.APPROVE, comment=comment)
    return application


@transaction.atomic
def application_reject(*, application: LoanApplication, user, comment: str = "") -> LoanApplication:
    """A credit approver rejects the application (final)."""
    _require_role(user, Role.CREDIT_APPROVER, message=_("Only credit approvers reject."))
    application = _lock_application(application)
    _require_status(application, PENDING_DECISION, _("reject"))
    _require_checker(application, user)
    if not comment.strip():
        raise ValidationError({"comment": [_("Give the reason for the rejection.")]})
    approvals = list(_round_approvals(application))
    if any(record.approver_id == user.pk for record in approvals):
        raise ActionForbidden(
            _("You already approved this application; a different approver must.")
        )
    ApprovalRecord.objects.create(
        application=application,
        round=application.round,
        kind=ApprovalKind.APPROVAL,
        level=len(approvals) + 1,
        approver=user,
        decision=ApprovalDecision.REJECT,
        reason=comment,
    )
    application.decided_at = timezone.now()
    _record(
        application,
        actor=user,
        action=ApplicationAction.REJECT,
        to_status=ApplicationStatus.REJECTED,
        comment=comment,
    )
    return application


@transaction.atomic
def application_return(*, application: LoanApplication, user, comment: str = "") -> LoanApplication:
    """An approver or risk officer sends the application back to the maker for changes."""
    _require_role(
        user,
        Role.CREDIT_APPROVER,
        Role.RISK_OFFICER,
        message=_("Only credit approvers and risk officers return applications."),
    )
    application = _lock_application(application)
    _require_status(application, PENDING_DECISION, _("return"))
    _require_checker(application, user)
    if not comment.strip():
        raise ValidationError({"comment": [_("Say what the maker has to change.")]})
    # The return is a decision of the approval record too. It ends the round (the next
    # submission opens a new one), so it fills no level and no risk sign-off slot; an approver
    # writes it at the level being decided, a risk officer as a risk decision.
    if has_role(user, Role.CREDIT_APPROVER):
        kind = ApprovalKind.APPROVAL
        level = _round_approvals(application).count() + 1
    else:
        kind, level = ApprovalKind.RISK_SIGN_OFF, None
    ApprovalRecord.objects.create(
        application=application,
        round=application.round,
        kind=kind,
        level=level,
        approver=user,
        decision=ApprovalDecision.RETURN,
        reason=comment,
    )
    _record(
        application,
        actor=user,
        action=ApplicationAction.RETURN,
        to_status=ApplicationStatus.RETURNED,
        comment=comment,
    )
    return application


@transaction.atomic
def application_risk_sign_off(
    *, application: LoanApplication, user, comment: str = ""
) -> LoanApplication:
    """A risk officer signs off a high-risk customer's application (before or after approvals)."""
    _require_role(user, Role.RISK_OFFICER, message=_("Only risk officers sign off."))
    application = _lock_application(application)
    _require_status(application, PENDING_DECISION, _("sign off"))
    _require_checker(application, user)
    if not application.risk_sign_off_required:
        raise TransitionNotAllowed(_("This application does not need a risk sign-off."))
    if _risk_signed_off(application):
        raise TransitionNotAllowed(_("This application is already signed off."))
    ApprovalRecord.objects.create(
        application=application,
        round=application.round,
        kind=ApprovalKind.RISK_SIGN_OFF,
        approver=user,
        decision=ApprovalDecision.SIGN_OFF,
        reason=comment,
    )
    _complete_if_ready(
        application, actor=user, action=ApplicationAction.RISK_SIGN_OFF, comment=comment
    )
    return application


@transaction.atomic
def application_sign_contract(
    *, application: LoanApplication, user, comment: str = ""
) -> LoanApplication:
    """The RM records that the loan contract was signed on the approved terms."""
    application = _lock_application(application)
    _require_owner_rm(application, user)
    _require_status(application, (ApplicationStatus.APPROVED,), _("sign the contract of"))
    _record(
        application,
        actor=user,
        action=ApplicationAction.SIGN_CONTRACT,
        to_status=ApplicationStatus.CONTRACT_SIGNED,
        comment=comment,
    )
    return application


@transaction.atomic
def application_disburse(
    *, application: LoanApplication, user, disbursed_on: date, comment: str = ""
) -> Loan:
    """Disburse a signed application: create the loan and its schedule on the approved terms."""
    application = _lock_application(application)
    _require_owner_rm(application, user)
    _require_status(application, (ApplicationStatus.CONTRACT_SIGNED,), _("disburse"))
    if disbursed_on > timezone.localdate():
        raise ValidationError(
            {"disbursed_on": [_("The disbursement date cannot be in the future.")]}
        )
    principal = application.approved_amount
    rate = application.approved_annual_rate
    term = application.approved_term_months
    rows = schedule.generate_schedule(
        principal=principal,
        annual_rate=rate,
        term_months=term,
        method=application.repayment_method,
        disbursed_on=disbursed_on,
    )
    loan = Loan.objects.create(
        application=application,
        customer=application.customer,
        product=application.product,
        principal=principal,
        annual_rate=rate,
        term_months=term,
        repayment_method=application.repayment_method,
        disbursed_on=disbursed_on,
        maturity_date=rows[-1].due_date,
        outstanding_principal=principal,
        disbursed_by=user,
    )
    Installment.objects.bulk_create(
        Installment(
            loan=loan,
            number=row.number,
            due_date=row.due_date,
            principal=row.principal,
            interest=row.interest,
        )
        for row in rows
    )
    _record(
        application,
        actor=user,
        action=ApplicationAction.DISBURSE,
        to_status=ApplicationStatus.DISBURSED,
        comment=comment,
    )
    return loan


# --- repayments -------------------------------------------------------------------------------


def _lock_loan(loan: Loan) -> Loan:
    return Loan.objects.select_for_update(of=("self",)).select_related("customer").get(pk=loan.pk)


def _require_loan_owner(loan: Loan, user) -> None:
    _require_role(
        user, Role.RELATIONSHIP_MANAGER, message=_("Only relationship managers post repayments.")
    )
    if not Customer.objects.visible_to(user).filter(pk=loan.customer_id).exists():
        raise ActionForbidden(_("This customer belongs to another relationship manager."))


def installment_status(installment: Installment, as_of: date | None) -> str:
    """The status of one installment as of the loan's last daily run (None: never run)."""
    if installment.principal_paid == installment.principal and (
        installment.interest_paid == installment.interest
    ):
        return InstallmentStatus.PAID
    if as_of is not None and installment.due_date < as_of:
        return InstallmentStatus.OVERDUE
    if installment.principal_paid or installment.interest_paid:
        return InstallmentStatus.PARTIALLY_PAID
    return InstallmentStatus.DUE


def _settle_state(loan: Loan, installments: list[Installment]) -> None:
    """Statuses of the changed installments and the loan, then DPD and class as of the last run."""
    for installment in installments:
        installment.status = installment_status(installment, loan.status_as_of)
    Installment.objects.bulk_update(
        installments, ["principal_paid", "interest_paid", "paid_on", "status"]
    )
    unpaid = Installment.objects.filter(loan=loan).unpaid().exists()
    loan.status = LoanStatus.ACTIVE if unpaid else LoanStatus.SETTLED
    loan.save(update_fields=["outstanding_principal", "status"])
    if loan.status_as_of is not None:
        refresh_loans(as_of=loan.status_as_of, loan_ids=[loan.pk])


@transaction.atomic
def repayment_post(*, loan: Loan, user, paid_on: date, amount: Decimal) -> Repayment:
    """Apply a repayment to the oldest unpaid installments, interest before principal."""
    _require_loan_owner(loan, user)
    loan = _lock_loan(loan)
    if paid_on < loan.disbursed_on:
        raise ValidationError({"paid_on": [_("A repayment cannot precede the disbursement.")]})
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": [_("The payment date cannot be in the future.")]})
    installments = list(Installment.objects.filter(loan=loan).unpaid().order_by("number"))
    balances = [
        schedule.InstallmentBalance(
            number=item.number,
            interest_due=item.interest,
            principal_due=item.principal,
            interest_paid=item.interest_paid,
            principal_paid=item.principal_paid,
        )
        for item in installments
    ]
    try:
        allocations = schedule.allocate_repayment(installments=balances, amount=amount)
    except schedule.OverpaymentError as exc:
        raise ValidationError(
            {
                "amount": [
                    _("This is more than the %(total)s still owed.") % {"total": exc.outstanding}
                ]
            }
        ) from None
    except ValueError as exc:
        raise ValidationError({"amount": [str(exc)]}) from None
    repayment = Repayment.objects.create(loan=loan, paid_on=paid_on, amount=amount, posted_by=user)
    by_number = {item.number: item for item in installments}
    touched = []
    for allocation in allocations:
        item = by_number[allocation.number]
        item.interest_paid += allocation.interest
        item.principal_paid += allocation.principal
        item.paid_on = paid_on
        loan.outstanding_principal -= allocation.principal
        touched.append(item)
    RepaymentAllocation.objects.bulk_create(
        RepaymentAllocation(
            repayment=repayment,
            installment=by_number[a.number],
            interest=a.interest,
            principal=a.principal,
        )
        for a in allocations
    )
    _settle_state(loan, touched)
    return repayment


@transaction.atomic
def repayment_reverse(*, repayment: Repayment, user, reason: str) -> Repayment:
    """Undo a mistaken repayment (the latest one still standing), keeping it on record."""
    _require_loan_owner(repayment.loan, user)
    loan = _lock_loan(repayment.loan)
    repayment = Repayment.objects.select_for_update().get(pk=repayment.pk)
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for the reversal.")]})
    if repayment.reversed_at is not None:
        raise TransitionNotAllowed(_("This repayment is already reversed."))
    # Allocation is oldest-first, so only the latest standing repayment can be undone without
    # leaving a later payment applied ahead of an earlier, now unpaid, installment.
    later = (
        Repayment.objects.filter(loan=loan, reversed_at__isnull=True)
        .exclude(pk=repayment.pk)
        .filter(posted_at__gt=repayment.posted_at)
        .exists()
    )
    if later:
        raise TransitionNotAllowed(_("Reverse the later repayments first."))
    allocations = list(repayment.allocations.select_related("installment"))
    touched = []
    for allocation in allocations:
        item = allocation.installment
        item.interest_paid -= allocation.interest
        item.principal_paid -= allocation.principal
        loan.outstanding_principal += allocation.principal
        item.paid_on = (
            RepaymentAllocation.objects.filter(
                installment=item, repayment__reversed_at__isnull=True
            )
            .exclude(repayment=repayment)
            .order_by("-repayment__paid_on")
            .values_list("repayment__paid_on", flat=True)
            .first()
        )
        touched.append(item)
    repayment.reversed_at = timezone.now()
    repayment.reversed_by = user
    repayment.reversal_reason = reason
    repayment.save(update_fields=["reversed_at", "reversed_by", "reversal_reason"])
    _settle_state(loan, touched)
    return repayment


# --- classification ---------------------------------------------------------------------------


def _severity(value: str) -> int:
    return schedule.CLASSIFICATION_ORDER.index(value)


@transaction.atomic
def classification_propose(
    *, loan: Loan, user, classification: str, reason: str
) -> ClassificationProposal:
    """Propose a worse class than the loan has now; a risk officer decides."""
    _require_role(
        user,
        Role.RELATIONSHIP_MANAGER,
        Role.CREDIT_APPROVER,
        Role.RISK_OFFICER,
        message=_("Your role may not propose a classification."),
    )
    loan = _lock_loan(loan)
    if classification not in Classification.values:
        raise ValidationError({"classification": [_("Choose one of the five classes.")]})
    if _severity(classification) <= _severity(loan.classification):
        raise ValidationError(
            {"classification": [_("A person may only classify worse than the current class.")]}
        )
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for the classification.")]})
    if loan.classification_proposals.filter(status=ProposalStatus.PENDING).exists():
        raise TransitionNotAllowed(_("A proposal for this loan is already waiting for a decision."))
    return ClassificationProposal.objects.create(
        loan=loan, proposed_classification=classification, reason=reason, proposed_by=user
    )


def _lock_proposal(proposal: ClassificationProposal, user) -> ClassificationProposal:
    _require_role(user, Role.RISK_OFFICER, message=_("Only risk officers decide classifications."))
    proposal = ClassificationProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.PENDING:
        raise TransitionNotAllowed(_("This proposal has already been decided."))
    if proposal.proposed_by_id == user.pk:
        raise ActionForbidden(_("You proposed this classification; another officer must decide."))
    return proposal


@transaction.atomic
def classification_proposal_approve(
    *, proposal: ClassificationProposal, user, note: str = ""
) -> ClassificationProposal:
    """A risk officer approves a proposal: the loan's class becomes the worse of floor and it."""
    proposal = _lock_proposal(proposal, user)
    loan = _lock_loan(proposal.loan)
    manual = proposal.proposed_classification
    if loan.manual_classification:
        manual = schedule.worse_of(loan.manual_classification, manual)
    new_class = schedule.worse_of(loan.classification, manual)
    if new_class != loan.classification:
        ClassificationChange.objects.create(
            loan=loan,
            from_classification=loan.classification,
            to_classification=new_class,
            days_past_due=loan.days_past_due,
            as_of=loan.status_as_of or timezone.localdate(),
            source=ClassificationSource.MANUAL,
            reason=proposal.reason,
            changed_by=user,
        )
    loan.manual_classification = manual
    loan.classification = new_class
    loan.save(update_fields=["manual_classification", "classification"])
    proposal.status = ProposalStatus.APPROVED
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    proposal.decision_note = note
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return proposal


@transaction.atomic
def classification_proposal_reject(
    *, proposal: ClassificationProposal, user, note: str
) -> ClassificationProposal:
    """A risk officer rejects a proposal; the loan keeps its class."""
    proposal = _lock_proposal(proposal, user)
    if not note.strip():
        raise ValidationError({"note": [_("Say why the proposal is rejected.")]})
    proposal.status = ProposalStatus.REJECTED
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    proposal.decision_note = note
    proposal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return proposal
