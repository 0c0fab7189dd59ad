"""The classification rules (contribution, segment, lifecycle), the daily job and change logs."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from customers import segmentation, services
from customers.jobs import classification
from customers.models import Customer, CustomerChange, SegmentationPolicy
from customers.segmentation import LoanFact
from tests.factories import ContactFactory, CustomerFactory
from tests.loans.conftest import disbursed_loan

POLICY = SegmentationPolicy()  # the DOMAIN.md §10 defaults, unsaved
D = Decimal
MESSAGES = {
    "inactive": "inactive",
    "not_renewed": "not renewed",
    "second_loan": "2nd",
    "seasoned": "12m",
}


def score(**inputs):
    values = {"loans": None, "deposits": None, "intermediate_income": None, "products_held": None}
    values.update(inputs)
    return segmentation.contribution_score(**values, policy=POLICY)


# --- contribution score --------------------------------------------------------------------


def test_contribution_uses_the_policy_weights_40_30_20_10():
    assert score(loans=D("100000000.00")) == 40
    assert score(deposits=D("50000000.00")) == 30
    assert score(intermediate_income=D("1000000.00")) == 20
    assert score(products_held=10) == 10
    full = score(
        loans=D("100000000.00"),
        deposits=D("50000000.00"),
        intermediate_income=D("1000000.00"),
        products_held=10,
    )
    assert full == 100


def test_contribution_caps_each_component_and_rounds_half_up():
    assert score(loans=D("500000000.00"), products_held=99) == 50
    assert score(products_held=5) == 5
    # 1.25 % of deposit full marks = 0.375 points → 0; 0.5 point rounds up to 1.
    assert score(deposits=D("625000.00")) == 0
    assert score(products_held=0, intermediate_income=D("25000.00")) == 1
    assert score(intermediate_income=D("24999.99")) == 0


def test_contribution_is_none_with_no_inputs_and_zero_with_zero_inputs():
    assert score() is None
    assert score(loans=D("0")) is None
    assert score(products_held=0) == 0


def test_tier_is_key_at_80_contribution_and_general_at_79_from_computed_inputs():
    at = score(
        loans=D("100000000.00"), deposits=D("50000000.00"), intermediate_income=D("500000.00")
    )
    below = score(
        loans=D("100000000.00"), deposits=D("50000000.00"), intermediate_income=D("450000.00")
    )
    tier = segmentation.suggested_tier
    assert (at, below) == (80, 79)
    assert tier(approved_credit=None, contribution_score=at, policy=POLICY) == "key"
    assert tier(approved_credit=None, contribution_score=below, policy=POLICY) == "general"


# --- segment ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grade", "risk", "contribution", "value_tier", "expected"),
    [
        ("excellent", "high", 100, "high_value", "risk"),
        ("watch", "low", 100, "high_value", "risk"),
        ("excellent", "low", 70, "", "premium"),
        ("excellent", "medium", 69, "", "potential"),
        ("excellent", "low", 10, "high_value", "premium"),
        ("good", "low", 100, "", "potential"),
        ("", "medium", 40, "", "potential"),
        ("", "medium", 39, "", "mass_market"),
        ("good", "low", 5, "high_potential", "potential"),
        ("", "medium", None, "", "mass_market"),
    ],
)
def test_segment_rule_at_and_one_below_each_threshold(
    grade, risk, contribution, value_tier, expected
):
    assert (
        segmentation.segment_for(
            credit_grade=grade,
            risk_level=risk,
            contribution_score=contribution,
            value_tier=value_tier,
            policy=POLICY,
        )
        == expected
    )


# --- lifecycle -------------------------------------------------------------------------------

AS_OF = date(2026, 6, 30)


def move(stage, loans=(), *, last_activity=None, manual_since=None, as_of=AS_OF):
    result = segmentation.lifecycle_transition(
        stage=stage,
        loans=list(loans),
        last_activity=last_activity,
        manual_since=manual_since,
        as_of=as_of,
        policy=POLICY,
        messages=MESSAGES,
    )
    return (result.stage, result.reason) if result else None


def active(disbursed_on, maturity=date(2027, 12, 31)):
    return LoanFact(disbursed_on=disbursed_on, maturity_date=maturity, active=True)


def settled(disbursed_on, maturity):
    return LoanFact(disbursed_on=disbursed_on, maturity_date=maturity, active=False)


def test_new_becomes_established_after_12_months_not_a_day_before():
    assert move("new", [active(date(2025, 6, 30))]) == ("established", "12m")
    assert move("new", [active(date(2025, 7, 1))]) is None


def test_new_becomes_established_on_a_second_loan():
    assert move("new", [active(date(2026, 5, 1)), active(date(2026, 6, 1))]) == (
        "established",
        "2nd",
    )


def test_only_new_and_established_move_automatically():
    old_loan = [active(date(2020, 1, 1))]
    for stage in ("prospect", "at_risk", "churned"):
        assert move(stage, old_loan, last_activity=date(2020, 1, 1)) is None
    assert move("established", old_loan) is None


def test_at_risk_after_180_days_without_active_loan_or_activity():
    loans = [settled(date(2024, 1, 1), date(2026, 12, 31))]  # prepaid: maturity still ahead
    assert move("established", loans, last_activity=AS_OF - timedelta(days=180)) == (
        "at_risk",
        "inactive",
    )
    assert move("established", loans, last_activity=AS_OF - timedelta(days=179)) is None
    # An active loan means the customer is still with the bank, however quiet.
    assert move("established", [active(date(2024, 1, 1))], last_activity=date(2024, 1, 1)) is None


def test_at_risk_30_days_after_maturity_without_renewal():
    matured = [settled(date(2025, 5, 31), AS_OF - timedelta(days=30))]
    assert move("established", matured, last_activity=AS_OF - timedelta(days=40)) == (
        "at_risk",
        "not renewed",
    )
    matured = [settled(date(2025, 5, 31), AS_OF - timedelta(days=29))]
    assert move("established", matured, last_activity=AS_OF - timedelta(days=40)) is None
    renewed = [*matured, active(AS_OF - timedelta(days=29))]
    assert move("established", renewed, last_activity=AS_OF - timedelta(days=29)) is None


def test_a_persons_later_decision_outranks_the_same_evidence():
    matured = [settled(date(2025, 5, 31), date(2026, 5, 1))]  # trigger 2026-05-31
    assert move("established", matured, manual_since=date(2026, 5, 31)) is None
    assert move("established", matured, manual_since=date(2026, 5, 30)) == (
        "at_risk",
        "not renewed",
    )


# --- the daily job ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_job_applies_tier_segment_and_records_system_changes_once(rm):
    key = CustomerFactory(
        relationship_manager=rm,
        credit_grade="excellent",
        risk_level="low",
        deposits=D("50000000.00"),
        intermediate_income=D("1000000.00"),
        products_held=10,
        approved_credit=D("50000000.00"),
    )
    below = CustomerFactory(relationship_manager=rm, approved_credit=D("49999999.99"))
    churned = CustomerFactory(
        relationship_manager=rm, lifecycle_stage="churned", approved_credit=D("60000000.00")
    )

    first = classification(as_of=AS_OF)
    second = classification(as_of=AS_OF)

    key.refresh_from_db()
    below.refresh_from_db()
    assert (key.contribution_score, key.tier, key.segment, key.classified_on) == (
        60,
        "key",
        "premium",
        AS_OF,
    )
    assert (below.contribution_score, below.tier, below.segment) == (None, "general", "mass_market")
    assert Customer.objects.get(pk=churned.pk).tier == "general"
    assert first.counts == {
        "contribution_score": 1,
        "value_tier": 2,
        "tier": 1,
        "segment": 2,
        "lifecycle_stage": 0,
    }
    assert set(second.counts.values()) == {0}
    tier_change = CustomerChange.objects.get(customer=key, field="tier")
    assert (tier_change.old_value, tier_change.new_value, tier_change.changed_by) == (
        "general",
        "key",
        None,
    )
    assert tier_change.reason == "Tier rule (approved credit ≥ 50000000.00 or contribution ≥ 80)"
    assert not CustomerChange.objects.filter(customer=churned).exists()


@pytest.mark.django_db
def test_job_query_count_is_independent_of_customer_count(rm, django_assert_num_queries):
    # 12 per chunk of CLASSIFY_CHUNK customers (memory stays flat; queries grow per chunk),
    # once the segmentation policy is in the cache (crm/config_cache.py).
    from customers.models import SegmentationPolicy

    SegmentationPolicy.current()
    CustomerFactory(relationship_manager=rm, products_held=3)
    with django_assert_num_queries(12):
        classification(as_of=AS_OF)
    CustomerFactory.create_batch(5, relationship_manager=rm, products_held=4)
    with django_assert_num_queries(12):
        classification(as_of=AS_OF)


@pytest.mark.django_db
def test_job_moves_new_to_established_with_the_loan_exposure_in_the_score(rm, approver):
    customer = CustomerFactory(relationship_manager=rm, lifecycle_stage="new")
    disbursed_loan(rm, approver, customer, disbursed_on=date(2025, 6, 30))

    classification(as_of=date(2026, 6, 29))
    customer.refresh_from_db()
    assert customer.lifecycle_stage == "new"
    # 1,000,000 outstanding of 100,000,000 at full marks = 0.4 points → 0.
    assert customer.contribution_score == 0

    classification(as_of=date(2026, 6, 30))
    customer.refresh_from_db()
    change = CustomerChange.objects.get(customer=customer, field="lifecycle_stage")
    assert customer.lifecycle_stage == "established"
    assert (change.old_value, change.new_value, change.changed_by, change.reason) == (
        "new",
        "established",
        None,
        "First loan has run 12 months",
    )


@pytest.mark.django_db
def test_job_flags_an_inactive_customer_at_risk_from_cooperation_start(rm):
    quiet = CustomerFactory(
        relationship_manager=rm,
        lifecycle_stage="established",
        cooperation_start=AS_OF - timedelta(days=180),
    )
    recent = CustomerFactory(
        relationship_manager=rm,
        lifecycle_stage="established",
        cooperation_start=AS_OF - timedelta(days=179),
    )

    classification(as_of=AS_OF)

    assert Customer.objects.get(pk=quiet.pk).lifecycle_stage == "at_risk"
    assert Customer.objects.get(pk=recent.pk).lifecycle_stage == "established"
    change = CustomerChange.objects.get(customer=quiet, field="lifecycle_stage")
    assert change.reason == "Churn indicator: no active loan, transaction or contact for 180 days"


@pytest.mark.django_db
def test_a_completed_task_counts_as_contact(rm):
    from interactions.models import Task

    customer = CustomerFactory(
        relationship_manager=rm, lifecycle_stage="established", cooperation_start=date(2020, 1, 1)
    )
    Task.objects.create(
        owner=rm,
        customer=customer,
        title="Visit",
        due_date=AS_OF,
        status="done",
        completed_at=f"{AS_OF - timedelta(days=179)}T10:00:00+08:00",
    )

    classification(as_of=AS_OF)

    assert Customer.objects.get(pk=customer.pk).lifecycle_stage == "established"


@pytest.mark.django_db
def test_churned_only_by_a_person_with_a_reason(rm):
    customer = CustomerFactory(relationship_manager=rm, lifecycle_stage="at_risk")

    with pytest.raises(services.DomainError) as error:
        services.customer_update(
            customer=customer, user=rm, data={"lifecycle_stage": "churned"}, reason=" "
        )
    assert error.value.field == "reason"
    services.customer_update(
        customer=customer,
        user=rm,
        data={"lifecycle_stage": "churned"},
        reason="Moved to a competitor",
    )
    change = CustomerChange.objects.get(customer=customer)
    assert (change.new_value, change.changed_by, change.reason) == (
        "churned",
        rm,
        "Moved to a competitor",
    )


@pytest.mark.django_db
def test_churned_via_api_without_reason_is_400(api_for, rm):
    customer = CustomerFactory(relationship_manager=rm, lifecycle_stage="at_risk")

    response = api_for(rm).patch(
        f"/api/v1/customers/{customer.pk}/", {"lifecycle_stage": "churned"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"reason": ["Say why the customer churned."]}
    assert Customer.objects.get(pk=customer.pk).lifecycle_stage == "at_risk"


# --- change log of contacts and statements ---------------------------------------------------


@pytest.mark.django_db
def test_contact_edits_are_recorded_with_encrypted_fields_masked(rm):
    contact = ContactFactory(customer=CustomerFactory(relationship_manager=rm), name="Zhang Wei")

    services.contact_update(
        contact=contact,
        user=rm,
        data={"phone": "13987654321", "position": "CEO", "email": contact.email},
    )

    rows = {
        r.field: r for r in CustomerChange.objects.filter(customer=contact.customer, kind="contact")
    }
    assert sorted(rows) == ["phone", "position"]
    assert (rows["phone"].old_value, rows["phone"].new_value) == ("138****5678", "139****4321")
    assert (rows["position"].old_value, rows["position"].new_value) == ("CFO", "CEO")
    assert rows["phone"].subject == f"Contact Zhang Wei (#{contact.pk})"
    assert rows["phone"].changed_by == rm


@pytest.mark.django_db
def test_contact_create_and_delete_are_recorded_masked(rm):
    customer = CustomerFactory(relationship_manager=rm)
    contact = services.contact_create(
        customer=customer,
        user=rm,
        data={"name": "Li Na", "role": "finance", "id_number": "110101199003071234"},
    )
    services.contact_delete(contact=contact, user=rm)

    rows = list(
        CustomerChange.objects.filter(customer=customer, field="id_number")
        .order_by("id")
        .values_list("old_value", "new_value")
    )
    assert rows == [("", "1101**********1234"), ("1101**********1234", "")]
    values = CustomerChange.objects.filter(customer=customer).values_list("new_value", "old_value")
    assert not any("110101199003071234" in v for pair in values for v in pair)


@pytest.mark.django_db
def test_statement_edits_are_recorded(rm):
    customer = CustomerFactory(relationship_manager=rm)
    figures = {
        "period_end": date(2025, 12, 31),
        "revenue": D("1000000.00"),
        "total_assets": D("2000000.00"),
        "total_liabilities": D("1000000.00"),
    }
    statement = services.statement_save(customer=customer, user=rm, data=figures)
    services.statement_save(
        customer=customer,
        user=rm,
        statement=statement,
        data={**figures, "revenue": D("1200000.00")},
    )

    edits = CustomerChange.objects.filter(customer=customer, kind="statement").exclude(old_value="")
    assert list(edits.values_list("field", "old_value", "new_value")) == [
        ("revenue", "1000000.00", "1200000.00")
    ]
    assert edits.get().subject == f"Statement 2025-12-31 (#{statement.pk})"


# --- timeline --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_timeline_shows_changes_reassignments_onboarding_and_statements(rm, lead, rm_same_team):
    from crm.registry import customer_timeline

    customer = CustomerFactory(relationship_manager=rm)
    services.customer_update(customer=customer, user=rm, data={"region": "Suzhou"}, reason="Moved")
    services.customer_reassign(customer=customer, user=lead, new_manager=rm_same_team, reason="x")
    services.onboarding_step_record(customer=customer, user=rm_same_team, step=1, outcome="pass")
    services.statement_save(
        customer=customer,
        user=rm_same_team,
        data={
            "period_end": date(2025, 12, 31),
            "revenue": D("1000000.00"),
            "total_assets": D("2000000.00"),
            "total_liabilities": D("1000000.00"),
        },
    )

    entries = customer_timeline(
        customer,
        lead,
        kinds=["customer_change", "onboarding_step", "financial_statement"],
    )

    assert [e.title for e in entries] == [
        "Financial statement for 2025-12-31 entered",
        "Onboarding 1. Market research (市场调研与分析): Pass (通过)",
        f"Reassigned from {rm} (#{rm.pk}) to {rm_same_team} (#{rm_same_team.pk})",
        "Profile (档案) changed: region",
    ]
    assert entries[-1].detail == "region: Shanghai → Suzhou (Moved)"
    assert entries[-1].actor == str(rm)
    # Out of scope: the previous owner no longer sees the customer's entries.
    assert customer_timeline(customer, rm, kinds=["customer_change"]) == []
