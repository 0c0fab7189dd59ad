"""The fixed world every permission-matrix row runs against.

One customer, owned by `rm_owner` of Team A, with one object of every kind hanging off it.
Whether an object is in scope follows from who asks: the owner and Team A's lead see it;
the other Team A relationship manager, Team B's relationship manager and Team B's lead do
not (404); approvers, risk officers and admins see everything. Built through the services,
as real use builds it, so every state machine starts in a state where its actions are legal.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from crm.roles import Role
from tests.factories import (
    AlertFactory,
    ContactFactory,
    CustomerFactory,
    FinancialStatementFactory,
    TeamFactory,
    make_interaction,
    make_service_request,
    make_user,
)

# The columns of the matrix, in order. Each is a kind of caller relative to the world's
# customer (owned by `rm_owner`, Team A).
ACTORS: tuple[str, ...] = (
    "anonymous",
    "no_role",
    "rm_owner",
    "rm_same_team",
    "rm_other_team",
    "lead_own_team",
    "lead_other_team",
    "approver",
    "risk_officer",
    "admin",
)

ACTOR_LABELS: dict[str, str] = {
    "anonymous": "anonymous",
    "no_role": "no role",
    "rm_owner": "RM (owner)",
    "rm_same_team": "RM (same team)",
    "rm_other_team": "RM (other team)",
    "lead_own_team": "lead (own team)",
    "lead_other_team": "lead (other team)",
    "approver": "approver",
    "risk_officer": "risk officer",
    "admin": "admin",
}


@dataclass
class World:
    """Users by actor name and the ids of the objects a row's path and body refer to."""

    users: dict = field(default_factory=dict)
    ids: dict = field(default_factory=dict)


def build_world() -> World:
    """Create the users and one object of every kind, all hanging off one customer."""
    from interactions.models import ImprovementAction
    from interactions.services import (
        improvement_action_create,
        survey_response_create,
        task_create,
        visit_plan_create,
    )
    from loans import services as loan_services
    from loans.models import LoanProduct
    from notifications.services import notification_create
    from privacy.models import RetentionFlag
    from privacy.services import consent_give, share_record
    from risk.models import WatchListEntry
    from risk.services import watchlist_add

    team_a = TeamFactory(name="Team A")
    team_b = TeamFactory(name="Team B")
    users = {
        "rm_owner": make_user(Role.RELATIONSHIP_MANAGER, team=team_a, username="m_rm_owner"),
        "rm_same_team": make_user(Role.RELATIONSHIP_MANAGER, team=team_a, username="m_rm_same"),
        "rm_other_team": make_user(Role.RELATIONSHIP_MANAGER, team=team_b, username="m_rm_other"),
        "lead_own_team": make_user(Role.TEAM_LEAD, lead_of=team_a, username="m_lead_a"),
        "lead_other_team": make_user(Role.TEAM_LEAD, lead_of=team_b, username="m_lead_b"),
        "approver": make_user(Role.CREDIT_APPROVER, username="m_approver"),
        "risk_officer": make_user(Role.RISK_OFFICER, username="m_risk"),
        "admin": make_user(None, username="m_admin", is_staff=True, is_superuser=True),
        "no_role": make_user(None, username="m_nobody"),
    }
    # A second approver for the application that is already approved (four eyes).
    approver2 = make_user(Role.CREDIT_APPROVER, username="m_approver2")
    owner = users["rm_owner"]

    customer = CustomerFactory(relationship_manager=owner, name="Matrix Machinery Co., Ltd.")
    related = CustomerFactory(relationship_manager=owner, name="Matrix Holdings Co., Ltd.")
    contact = ContactFactory(customer=customer)
    statement = FinancialStatementFactory(customer=customer, period_end=date(2025, 12, 31))
    need = customer.needs.create(
        kind="business", title="Working capital for Q3 orders", owner=owner
    )
    relation = customer.relations.create(related=related, kind="affiliate", created_by=owner)

    product = LoanProduct.objects.get(code="WCL")
    terms = {
        "product": product,
        "amount": Decimal("1000000.00"),
        "term_months": 12,
        "annual_rate": Decimal("4.3500"),
        "repayment_method": "equal_installment",
        "purpose": "Purchase of raw materials",
        "guarantee_method": "credit",
        "materials": product.materials_required_for("credit"),
    }

    def new_application():
        return loan_services.application_create(user=owner, customer=customer, **terms)

    def submit(application):
        return loan_services.application_submit(application=application, user=owner, comment="")

    def approve(application):
        return loan_services.application_approve(
            application=application, user=approver2, comment="ok"
        )

    draft = new_application()
    collateral = loan_services.collateral_add(
        application=draft,
        user=owner,
        kind="real_estate",
        security_interest="mortgage",
        owner_name="Matrix Machinery",
        value=Decimal("2000000.00"),
        valuation_date=date(2026, 1, 5),
    )
    guarantor = loan_services.guarantor_add(
        application=draft, user=owner, kind="institution", customer=related,
        amount=Decimal("500000.00"),
    )  # fmt: skip
    submitted = submit(new_application())
    approved = approve(submit(new_application()))
    signed = loan_services.application_sign_contract(
        application=approve(submit(new_application())), user=owner
    )
    booked = approve(submit(new_application()))
    loan_services.application_sign_contract(application=booked, user=owner)
    loan = loan_services.application_disburse(
        application=booked, user=owner, disbursed_on=timezone.localdate() - timedelta(days=40)
    )
    repayment = loan_services.repayment_post(
        loan=loan, user=owner, paid_on=timezone.localdate(), amount=Decimal("1000.00")
    )
    proposal = loan_services.classification_propose(
        loan=loan, user=owner, classification="special_mention", reason="Sales fell sharply"
    )

    alert = AlertFactory(customer=customer)
    interaction = make_interaction(customer, contacts=[contact])
    task = task_create(
        owner=owner, title="Call the CFO", due_date=timezone.localdate(), customer=customer
    )
    service_request = make_service_request(customer)
    survey = survey_response_create(
        user=owner,
        customer=customer,
        responded_on=timezone.localdate(),
        csat={"service_efficiency": 4, "staff_attitude": 5},
        nps=9,
    )
    visit_plan = visit_plan_create(
        user=owner,
        customer=customer,
        planned_for=timezone.localdate() + timedelta(days=3),
        agenda="Review the working-capital line",
    )
    improvement = improvement_action_create(
        user=users["lead_own_team"],
        title="Faster statement delivery",
        finding="Statements arrive late",
        owner=owner,
        due_date=timezone.localdate() + timedelta(days=30),
        survey_response=survey,
    )
    notification = notification_create(
        recipient=owner, kind="alert", message="New alert", customer=customer, alert_id=alert.pk
    )
    watch = watchlist_add(customer=customer, user=users["risk_officer"], reason="Litigation")
    # Data protection: a consent of one of the customer's contacts, one share on the consent, and a
    # retention flag (set by hand: the customer is not past retention, so an anonymisation
    # is refused even for those who may confirm one).
    # Its own contact: a contact with consent records cannot be deleted (the rows above
    # delete `contact`).
    consenting = ContactFactory(customer=customer)
    consent = consent_give(
        user=owner,
        customer=customer,
        contact=consenting,
        purpose="third_party",
        scope=["basic", "transaction"],
        retention_months=60,
        notice_version="2026-01",
        given_at=timezone.now() - timedelta(days=10),
        evidence="Signed form",
    )
    share = share_record(
        user=owner,
        customer=customer,
        contact=consenting,
        ground="consent",
        purpose="third_party",
        recipient="Credit insurer",
        scope=["basic"],
        fields="name, position",
        method="encrypted_file",
        shared_on=timezone.localdate(),
        consent=consent,
    )
    retention_flag = RetentionFlag.objects.create(
        customer=customer,
        relationship_ended_on=timezone.localdate() - timedelta(days=365 * 6),
        retention_years=5,
        flagged_on=timezone.localdate(),
    )

    assert isinstance(improvement, ImprovementAction)
    assert isinstance(watch, WatchListEntry)
    ids = {
        "customer": customer.pk,
        "related": related.pk,
        "contact": contact.pk,
        "statement": statement.pk,
        "need": need.pk,
        "relation": relation.pk,
        "draft": draft.pk,
        "collateral": collateral.pk,
        "guarantor": guarantor.pk,
        "submitted": submitted.pk,
        "approved": approved.pk,
        "signed": signed.pk,
        "loan": loan.pk,
        "repayment": repayment.pk,
        "proposal": proposal.pk,
        "alert": alert.pk,
        "interaction": interaction.pk,
        "task": task.pk,
        "service_request": service_request.pk,
        "survey": survey.pk,
        "visit_plan": visit_plan.pk,
        "improvement": improvement.pk,
        "notification": notification.pk,
        "watch": watch.pk,
        "consenting": consenting.pk,
        "consent": consent.pk,
        "share": share.pk,
        "retention_flag": retention_flag.pk,
        "owner": owner.pk,
        "rm_same_team": users["rm_same_team"].pk,
        "today": timezone.localdate().isoformat(),
    }
    return World(users=users, ids=ids)
