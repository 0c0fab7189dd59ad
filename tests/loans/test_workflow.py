"""The application workflow, four eyes and the approval record (services)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from crm.exceptions import ActionForbidden, DomainError, TransitionNotAllowed
from interactions.models import Task
from loans import services
from loans.choices import ApplicationStatus as S
from loans.models import ApprovalRecord, Installment, LoanApplication, LoanApplicationEvent
from tests.factories import CustomerFactory, make_user
from tests.loans.conftest import approved, make_application, submitted

D = Decimal


def test_full_workflow_draft_to_disbursed_records_every_event_and_task(rm, approver, customer):
    application = make_application(rm, customer)

    services.application_submit(application=application, user=rm, comment="docs complete")
    services.application_approve(application=application, user=approver, comment="fine")
    services.application_sign_contract(application=application, user=rm, comment="signed")
    loan = services.application_disburse(
        application=application, user=rm, disbursed_on=date(2025, 1, 31)
    )

    application.refresh_from_db()
    assert application.status == S.DISBURSED
    events = list(
        LoanApplicationEvent.objects.filter(application=application).values_list(
            "action", "from_status", "to_status", "actor__username", "comment"
        )
    )
    assert events == [
        ("create", "", "draft", "rm_a1", ""),
        ("submit", "draft", "submitted", "rm_a1", "docs complete"),
        ("approve", "submitted", "approved", "approver_x", "fine"),
        ("sign-contract", "approved", "contract_signed", "rm_a1", "signed"),
        ("disburse", "contract_signed", "disbursed", "rm_a1", ""),
    ]
    tasks = Task.objects.filter(customer=customer).order_by("id")
    assert [t.owner_id for t in tasks] == [rm.pk] * 4
    assert [t.kind for t in tasks] == ["loan_application"] * 4
    assert tasks[0].source_key.startswith(f"loan-application:{application.pk}:event:")
    assert loan.principal == D("1000000.00")
    assert loan.maturity_date == date(2026, 1, 31)
    assert loan.outstanding_principal == D("1000000.00")
    dues = list(Installment.objects.filter(loan=loan).values_list("due_date", flat=True)[:3])
    assert dues == [date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30)]


def test_submission_attaches_tier_risk_score_and_limit_check(rm, high_risk_customer):
    application = submitted(rm, high_risk_customer, amount=D("6000000.00"))

    assert application.status == S.SUBMITTED
    assert application.round == 1
    assert application.approvals_required == 2
    assert application.risk_sign_off_required is True
    assert application.risk_score_at_submission == 42
    assert application.limit_check == {
        "product": "WCL",
        "product_min_amount": "10000.00",
        "product_max_amount": "1000000000.00",
        "within_product_limits": True,
        "existing_exposure": "0.00",
        "exposure_after": "6000000.00",
    }


@pytest.mark.parametrize(
    ("amount", "required"),
    [
        ("5000000.00", 1),
        ("5000000.01", 2),
        ("50000000.00", 2),
        ("50000000.01", 3),
    ],
)
def test_approval_tier_by_amount(rm, customer, amount, required):
    assert submitted(rm, customer, amount=D(amount)).approvals_required == required


def test_two_level_approval_needs_a_second_different_approver(rm, approver, approver2, customer):
    application = submitted(rm, customer, amount=D("8000000.00"))

    services.application_approve(application=application, user=approver, comment="L1")
    application.refresh_from_db()
    assert application.status == S.UNDER_REVIEW

    with pytest.raises(ActionForbidden):
        services.application_approve(application=application, user=approver, comment="again")
    services.application_approve(
        application=application,
        user=approver2,
        comment="L2",
        approved_amount=D("7000000.00"),
        conditions="Quarterly statements",
    )
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert application.approved_amount == D("7000000.00")
    assert application.approved_term_months == 12
    assert application.approved_annual_rate == D("4.3500")
    records = list(
        ApprovalRecord.objects.filter(application=application).values_list(
            "level", "approver__username", "decision", "approved_amount", "conditions"
        )
    )
    assert records == [
        (1, "approver_x", "approve", D("8000000.00"), ""),
        (2, "approver_y", "approve_with_conditions", D("7000000.00"), "Quarterly statements"),
    ]


def test_committee_tier_needs_three_distinct_approvers(rm, approver, approver2, customer):
    third = make_user("credit_approver", username="approver_z")
    application = submitted(rm, customer, amount=D("60000000.00"))
    for user in (approver, approver2):
        services.application_approve(application=application, user=user)
        application.refresh_from_db()
        assert application.status == S.UNDER_REVIEW
    services.application_approve(application=application, user=third)
    application.refresh_from_db()
    assert application.status == S.APPROVED


def test_high_risk_needs_risk_sign_off_after_approval(
    rm, approver, risk_officer, high_risk_customer
):
    application = submitted(rm, high_risk_customer)
    services.application_approve(application=application, user=approver)
    application.refresh_from_db()
    assert application.status == S.UNDER_REVIEW

    services.application_risk_sign_off(application=application, user=risk_officer, comment="ok")
    application.refresh_from_db()
    assert application.status == S.APPROVED


def test_high_risk_sign_off_before_approval(rm, approver, risk_officer, high_risk_customer):
    application = submitted(rm, high_risk_customer)
    services.application_risk_sign_off(application=application, user=risk_officer)
    application.refresh_from_db()
    assert application.status == S.UNDER_REVIEW
    services.application_approve(application=application, user=approver)
    application.refresh_from_db()
    assert application.status == S.APPROVED


@pytest.mark.parametrize("who", ["rm", "lead", "risk_officer", "other_rm", "admin"])
def test_only_credit_approvers_approve(
    rm, lead, risk_officer, rm_same_team, admin_user, customer, who
):
    actor = {
        "rm": rm,
        "lead": lead,
        "risk_officer": risk_officer,
        "other_rm": rm_same_team,
        "admin": admin_user,
    }[who]
    application = submitted(rm, customer)

    with pytest.raises(ActionForbidden):
        services.application_approve(application=application, user=actor)
    with pytest.raises(ActionForbidden):
        services.application_reject(application=application, user=actor, comment="no")

    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert not ApprovalRecord.objects.exists()


def test_maker_who_is_also_an_approver_cannot_approve(team_a, customer):
    # given a user holding both roles who prepared and submitted the application
    both = make_user("relationship_manager", team=team_a, username="both")
    both.groups.add(*make_user("credit_approver", username="tmp").groups.all())
    own = CustomerFactory(relationship_manager=both)
    application = submitted(both, own)

    with pytest.raises(ActionForbidden):
        services.application_approve(application=application, user=both)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert not ApprovalRecord.objects.exists()


def test_submitter_who_did_not_create_cannot_approve(rm, team_a, customer, approver):
    # given an approver-RM who only submitted an application created by a colleague
    submitter = make_user("relationship_manager", team=team_a, username="submitter")
    submitter.groups.add(approver.groups.get())
    application = make_application(rm, customer)
    customer.relationship_manager = submitter
    customer.save()
    services.application_submit(application=application, user=submitter)

    with pytest.raises(ActionForbidden):
        services.application_approve(application=application, user=submitter)


def test_risk_officer_never_approves_and_approver_never_signs_off(
    rm, approver, risk_officer, high_risk_customer
):
    application = submitted(rm, high_risk_customer)
    with pytest.raises(ActionForbidden):
        services.application_approve(application=application, user=risk_officer)
    with pytest.raises(ActionForbidden):
        services.application_risk_sign_off(application=application, user=approver)


def test_risk_sign_off_not_needed_is_refused(rm, risk_officer, customer):
    application = submitted(rm, customer)
    with pytest.raises(TransitionNotAllowed):
        services.application_risk_sign_off(application=application, user=risk_officer)


def test_return_opens_a_new_round_and_old_approvals_stop_counting(
    rm, approver, approver2, customer
):
    application = submitted(rm, customer, amount=D("8000000.00"))
    services.application_approve(application=application, user=approver)
    services.application_return(application=application, user=approver2, comment="add collateral")
    application.refresh_from_db()
    assert application.status == S.RETURNED

    services.application_update(application=application, user=rm, amount=D("7500000.00"))
    services.application_submit(application=application, user=rm)
    services.application_approve(application=application, user=approver)
    application.refresh_from_db()
    # round 2 needs two fresh approvals: the round-1 approval does not count
    assert (application.round, application.status) == (2, S.UNDER_REVIEW)


def test_reject_needs_a_reason_and_is_final(rm, approver, customer):
    application = submitted(rm, customer)
    with pytest.raises(ValidationError) as excinfo:
        services.application_reject(application=application, user=approver, comment=" ")
    assert excinfo.value.message_dict == {"comment": ["Give the reason for the rejection."]}
    services.application_reject(application=application, user=approver, comment="weak cash flow")
    application.refresh_from_db()
    assert application.status == S.REJECTED
    with pytest.raises(TransitionNotAllowed):
        services.application_submit(application=application, user=rm)


# Every action from every state it is not allowed in.
ILLEGAL = {
    "submit": [S.SUBMITTED, S.UNDER_REVIEW, S.APPROVED, S.REJECTED, S.CONTRACT_SIGNED, S.DISBURSED],
    "approve": [S.DRAFT, S.RETURNED, S.APPROVED, S.REJECTED, S.CONTRACT_SIGNED, S.DISBURSED],
    "reject": [S.DRAFT, S.RETURNED, S.APPROVED, S.REJECTED, S.CONTRACT_SIGNED, S.DISBURSED],
    "return": [S.DRAFT, S.RETURNED, S.APPROVED, S.REJECTED, S.CONTRACT_SIGNED, S.DISBURSED],
    "sign-contract": [
        S.DRAFT,
        S.SUBMITTED,
        S.UNDER_REVIEW,
        S.RETURNED,
        S.REJECTED,
        S.CONTRACT_SIGNED,
        S.DISBURSED,
    ],
    "disburse": [
        S.DRAFT,
        S.SUBMITTED,
        S.UNDER_REVIEW,
        S.RETURNED,
        S.APPROVED,
        S.REJECTED,
        S.DISBURSED,
    ],
    "risk-sign-off": [
        S.DRAFT,
        S.RETURNED,
        S.APPROVED,
        S.REJECTED,
        S.CONTRACT_SIGNED,
        S.DISBURSED,
    ],
}
ILLEGAL_CASES = [(action, status) for action, statuses in ILLEGAL.items() for status in statuses]


def _act(action, application, *, rm, approver, risk_officer):
    if action == "submit":
        return services.application_submit(application=application, user=rm)
    if action == "approve":
        return services.application_approve(application=application, user=approver)
    if action == "reject":
        return services.application_reject(application=application, user=approver, comment="x")
    if action == "return":
        return services.application_return(application=application, user=approver, comment="x")
    if action == "sign-contract":
        return services.application_sign_contract(application=application, user=rm)
    if action == "disburse":
        return services.application_disburse(
            application=application, user=rm, disbursed_on=date(2025, 1, 1)
        )
    return services.application_risk_sign_off(application=application, user=risk_officer)


@pytest.mark.parametrize(("action", "status"), ILLEGAL_CASES)
def test_every_illegal_transition_is_refused(
    rm, approver, risk_officer, high_risk_customer, action, status
):
    # given an application forced into `status` (high risk so a sign-off would be wanted)
    application = make_application(rm, high_risk_customer)
    LoanApplication.objects.filter(pk=application.pk).update(
        status=status, round=1, approvals_required=1, risk_sign_off_required=True
    )
    events_before = LoanApplicationEvent.objects.count()

    with pytest.raises(TransitionNotAllowed):
        _act(action, application, rm=rm, approver=approver, risk_officer=risk_officer)

    application.refresh_from_db()
    assert application.status == status
    assert LoanApplicationEvent.objects.count() == events_before
    assert not Task.objects.exists()


def test_product_limits_refuse_terms(rm, customer):
    with pytest.raises(ValidationError) as excinfo:
        make_application(
            rm, customer, amount=D("9999.99"), term_months=37, annual_rate=D("24.0001")
        )
    assert excinfo.value.message_dict == {
        "amount": ["The amount must be between 10000.00 and 1000000000.00 for WCL."],
        "term_months": ["The term must be between 1 and 36 months for WCL."],
        "annual_rate": ["The annual rate must be between 0.0000 % and 24.0000 % for WCL."],
    }
    assert not LoanApplication.objects.exists()


def test_collateral_method_needs_collateral_and_guarantee_needs_guarantor(rm, customer):
    secured = make_application(rm, customer, guarantee_method="collateral")
    with pytest.raises(ValidationError) as excinfo:
        services.application_submit(application=secured, user=rm)
    assert excinfo.value.message_dict == {
        "guarantee_method": ["A collateral-backed application needs collateral."]
    }
    services.collateral_add(
        application=secured,
        user=rm,
        kind="real_estate",
        owner_name="Huaxin",
        value=D("1600000.00"),
        valuation_date=date(2025, 1, 2),
        registration_ref="沪房抵 2025-001",
        security_interest="mortgage",
    )
    secured = services.application_submit(application=secured, user=rm)
    assert secured.status == S.SUBMITTED
    assert secured.loan_to_value == D("62.50")

    guaranteed = make_application(rm, customer, guarantee_method="guarantee")
    with pytest.raises(ValidationError):
        services.application_submit(application=guaranteed, user=rm)
    services.guarantor_add(
        application=guaranteed, user=rm, kind="individual", name="Wang Jun", amount=D("500000.00")
    )
    assert services.application_submit(application=guaranteed, user=rm).status == S.SUBMITTED


def test_rm_cannot_act_on_another_teams_customer(rm, rm_other_team, customer):
    application = make_application(rm, customer)
    with pytest.raises(ActionForbidden):
        services.application_submit(application=application, user=rm_other_team)
    other_customer = CustomerFactory(relationship_manager=rm_other_team)
    with pytest.raises(DomainError) as excinfo:
        make_application(rm, other_customer)
    assert excinfo.value.field == "customer"


def test_approved_amount_cannot_exceed_requested(rm, approver, customer):
    application = submitted(rm, customer)
    with pytest.raises(ValidationError) as excinfo:
        services.application_approve(
            application=application, user=approver, approved_amount=D("1000000.01")
        )
    assert excinfo.value.message_dict == {
        "approved_amount": ["The approved amount cannot exceed the 1000000.00 applied for."]
    }


def test_approved_application_uses_approved_terms_at_disbursement(rm, approver, customer):
    application = submitted(rm, customer, amount=D("120000.00"))
    services.application_approve(
        application=application,
        user=approver,
        approved_amount=D("100000.00"),
        approved_term_months=10,
        approved_annual_rate=D("6.0000"),
    )
    services.application_sign_contract(application=application, user=rm)
    loan = services.application_disburse(
        application=application, user=rm, disbursed_on=date(2025, 3, 10)
    )
    assert (loan.principal, loan.term_months, loan.annual_rate) == (
        D("100000.00"),
        10,
        D("6.0000"),
    )
    assert loan.installments.count() == 10


def test_disburse_in_future_is_refused(rm, approver, customer):
    application = approved(rm, [approver], customer)
    services.application_sign_contract(application=application, user=rm)
    with pytest.raises(ValidationError):
        services.application_disburse(
            application=application, user=rm, disbursed_on=date(2999, 1, 1)
        )
