"""Contact cadence: intervals by loan stage × tier × risk level, overrides, the daily job."""

from datetime import UTC, date, datetime, timedelta

import pytest

from interactions import jobs, selectors
from interactions.models import ContactIntervalOverride, ContactPolicy, Task, VisitPlan
from interactions.services import contact_override_set, visit_plan_create
from loans import services as loans
from loans.models import Installment, Loan, LoanApplication
from tests.factories import CustomerFactory, make_interaction
from tests.loans.conftest import approved, disbursed_loan, make_application, submitted

AS_OF = date(2026, 6, 30)


def at(day: date, hour=10):
    """10:00 Shanghai on `day`."""
    return datetime(day.year, day.month, day.day, hour - 8, tzinfo=UTC)


@pytest.fixture(params=[None, 100], ids=["whole-portfolio", "worklist-sql"])
def overdue_by(request):
    """`customers_past_contact_interval` by both of its paths: worked out in Python for the
    whole portfolio (the nightly job) and in SQL with a limit (the worklist)."""

    def overdue(as_of):
        return selectors.customers_past_contact_interval(
            selectors.Customer.objects.all(), as_of=as_of, limit=request.param
        )

    return overdue


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("stage", "tier", "risk_level", "days"),
    [
        ("application", "general", "low", 7),
        ("approval", "key", "high", 7),
        ("post_loan", "general", "low", 90),
        ("post_loan", "general", "medium", 90),
        ("post_loan", "key", "low", 30),
        ("post_loan", "general", "high", 30),
    ],
)
def test_default_intervals_follow_domain_section_10(stage, tier, risk_level, days):
    policies = selectors.policy_table()

    assert len(policies) == 18
    assert selectors.interval_for(policies, loan_stage=stage, tier=tier, risk_level=risk_level) == (
        days
    )


@pytest.mark.django_db
def test_loan_stage_falls_back_to_lifecycle_without_applications_or_loans(rm):
    prospect = CustomerFactory(relationship_manager=rm, lifecycle_stage="prospect")
    new = CustomerFactory(relationship_manager=rm, lifecycle_stage="new")
    established = CustomerFactory(relationship_manager=rm, lifecycle_stage="established")

    stages = selectors.loan_stage_by_customer([prospect.pk, new.pk, established.pk])

    assert stages == {
        prospect.pk: "application",
        new.pk: "application",
        established.pk: "post_loan",
    }


def _customer(rm, *, last_contact_days_ago, **fields):
    customer = CustomerFactory(relationship_manager=rm, **fields)
    make_interaction(customer, occurred_at=at(AS_OF - timedelta(days=last_contact_days_ago)))
    return customer


@pytest.mark.django_db
def test_overdue_list_uses_stage_tier_and_risk(rm, clock, overdue_by):
    clock.set(at(AS_OF, 12))
    general = _customer(rm, last_contact_days_ago=60, lifecycle_stage="established", tier="general")
    key = _customer(rm, last_contact_days_ago=31, lifecycle_stage="established", tier="key")
    risky = _customer(
        rm, last_contact_days_ago=31, lifecycle_stage="established", risk_level="high"
    )
    prospect = _customer(rm, last_contact_days_ago=8, lifecycle_stage="prospect")
    fresh_prospect = _customer(rm, last_contact_days_ago=7, lifecycle_stage="prospect")

    overdue = overdue_by(AS_OF)

    by_id = {s.customer_id: s for s in overdue}
    assert set(by_id) == {key.pk, risky.pk, prospect.pk}
    assert general.pk not in by_id
    assert fresh_prospect.pk not in by_id
    assert (by_id[key.pk].interval_days, by_id[key.pk].days_overdue(AS_OF)) == (30, 1)
    assert (by_id[prospect.pk].loan_stage, by_id[prospect.pk].interval_days) == ("application", 7)


@pytest.mark.django_db
def test_admin_edit_of_the_policy_changes_the_interval(rm, clock, overdue_by):
    clock.set(at(AS_OF, 12))
    general = _customer(rm, last_contact_days_ago=60, lifecycle_stage="established", tier="general")
    ContactPolicy.objects.filter(loan_stage="post_loan", tier="general").update(interval_days=45)

    overdue = overdue_by(AS_OF)

    assert [s.customer_id for s in overdue] == [general.pk]


@pytest.mark.django_db
def test_per_customer_override_replaces_the_policy(rm, lead, clock, overdue_by):
    clock.set(at(AS_OF, 12))
    relaxed = _customer(rm, last_contact_days_ago=31, lifecycle_stage="established", tier="key")
    watched = _customer(rm, last_contact_days_ago=20, lifecycle_stage="established")
    contact_override_set(customer=relaxed, user=lead, interval_days=60, reason="Quarterly is ok")
    contact_override_set(customer=watched, user=lead, interval_days=14, reason="Watch list")

    overdue = overdue_by(AS_OF)

    assert [(s.customer_id, s.interval_days, s.overridden) for s in overdue] == [
        (watched.pk, 14, True)
    ]
    assert ContactIntervalOverride.objects.get(customer=watched).set_by == lead


@pytest.mark.django_db
def test_never_contacted_customer_counts_from_when_it_was_taken_on(rm, clock, overdue_by):
    clock.set(at(AS_OF - timedelta(days=10)))
    customer = CustomerFactory(relationship_manager=rm, lifecycle_stage="prospect")
    clock.set(at(AS_OF, 12))

    overdue = overdue_by(AS_OF)

    assert [(s.customer_id, s.last_contact, s.days_overdue(AS_OF)) for s in overdue] == [
        (customer.pk, None, 3)
    ]


@pytest.mark.django_db
def test_automatic_notices_and_churned_customers_do_not_count(rm, clock, overdue_by):
    clock.set(at(AS_OF, 12))
    customer = _customer(rm, last_contact_days_ago=100, lifecycle_stage="established")
    make_interaction(customer, occurred_at=at(AS_OF - timedelta(days=1)), channel="automatic")
    _customer(rm, last_contact_days_ago=400, lifecycle_stage="churned")

    overdue = overdue_by(AS_OF)

    assert [s.customer_id for s in overdue] == [customer.pk]


@pytest.mark.django_db
def test_cadence_job_creates_one_task_per_overdue_customer_and_is_idempotent(rm, clock):
    clock.set(at(AS_OF, 12))
    customer = _customer(rm, last_contact_days_ago=100, lifecycle_stage="established")
    _customer(rm, last_contact_days_ago=10, lifecycle_stage="established")

    first = jobs.cadence(as_of=AS_OF)
    second = jobs.cadence(as_of=AS_OF)
    next_day = jobs.cadence(as_of=AS_OF + timedelta(days=1))

    assert first.counts == {"overdue": 1, "visits_due": 0, "tasks": 1, "missed_visits": 0}
    assert second.counts == {"overdue": 1, "visits_due": 0, "tasks": 0, "missed_visits": 0}
    assert next_day.counts["tasks"] == 0
    task = Task.objects.get()
    assert (task.owner, task.customer, task.kind, task.due_date) == (
        rm,
        customer,
        "follow_up",
        AS_OF,
    )


@pytest.mark.django_db
def test_cadence_job_marks_missed_visits(rm, clock):
    clock.set(at(AS_OF, 12))
    customer = CustomerFactory(relationship_manager=rm, lifecycle_stage="established")
    make_interaction(customer, occurred_at=at(AS_OF))
    missed = visit_plan_create(
        user=rm, customer=customer, planned_for=AS_OF - timedelta(days=1), agenda="Annual review"
    )
    upcoming = visit_plan_create(user=rm, customer=customer, planned_for=AS_OF, agenda="Site visit")

    result = jobs.cadence(as_of=AS_OF)

    assert result.counts["missed_visits"] == 1
    statuses = dict(VisitPlan.objects.values_list("pk", "status"))
    assert statuses == {missed.pk: "missed", upcoming.pk: "planned"}


@pytest.mark.django_db
def test_contact_guard_warns_above_three_proactive_contacts_in_seven_days(rm, clock):
    clock.set(at(AS_OF, 12))
    customer = CustomerFactory(relationship_manager=rm)
    for days_ago in (6, 4, 2):
        make_interaction(customer, occurred_at=at(AS_OF - timedelta(days=days_ago)))
    make_interaction(customer, occurred_at=at(AS_OF - timedelta(days=1)), channel="automatic")

    assert selectors.too_frequent_contact(customer, at=at(AS_OF)) is False

    make_interaction(customer, occurred_at=at(AS_OF))
    assert selectors.too_frequent_contact(customer, at=at(AS_OF)) is True
    # A week later the early contacts have left the window.
    assert selectors.too_frequent_contact(customer, at=at(AS_OF + timedelta(days=5))) is False


@pytest.mark.django_db
def test_on_site_visits_key_every_90_days_others_180_unless_one_is_planned(rm, clock):
    clock.set(at(AS_OF - timedelta(days=200)))
    key = CustomerFactory(relationship_manager=rm, lifecycle_stage="established", tier="key")
    general = CustomerFactory(relationship_manager=rm, lifecycle_stage="established")
    planned = CustomerFactory(relationship_manager=rm, lifecycle_stage="established", tier="key")
    recent = CustomerFactory(relationship_manager=rm, lifecycle_stage="established")
    clock.set(at(AS_OF - timedelta(days=100)))
    make_interaction(key, channel="onsite_visit")
    make_interaction(planned, channel="onsite_visit")
    make_interaction(recent, channel="onsite_visit")
    clock.set(at(AS_OF, 12))
    visit_plan_create(user=rm, customer=planned, planned_for=AS_OF + timedelta(days=3), agenda="x")

    due = selectors.customers_due_for_visit(selectors.Customer.objects.all(), as_of=AS_OF)
    result = jobs.cadence(as_of=AS_OF)

    assert [(v.customer_id, v.interval_days, v.next_due) for v in due] == [
        (general.pk, 180, AS_OF - timedelta(days=20)),
        (key.pk, 90, AS_OF - timedelta(days=10)),
    ]
    assert result.counts["visits_due"] == 2
    # The worklist's path (ordered, limited, not-yet-due dropped) gives the same rows.
    for limit in (1, 5):
        limited = selectors.customers_due_for_visit(
            selectors.Customer.objects.all(), as_of=AS_OF, limit=limit
        )
        assert limited == due[:limit]
    assert set(
        Task.objects.filter(kind="visit", source_key__startswith="visit-due:").values_list(
            "customer_id", flat=True
        )
    ) == {key.pk, general.pk}


def _established(rm, **fields):
    return CustomerFactory(relationship_manager=rm, lifecycle_stage="established", **fields)


@pytest.mark.django_db
def test_both_paths_agree_on_every_stage_tier_risk_and_override(rm, lead, approver, clock):
    clock.set(at(AS_OF - timedelta(days=200)))
    drafting, submitted_, borrower, prospect, plain, overridden, never = (
        _established(rm, tier=tier, risk_level=risk)
        for tier, risk in [
            ("general", "low"),
            ("key", "high"),
            ("key", "medium"),
            ("general", "medium"),
            ("general", "high"),
            ("key", "low"),
            ("general", "low"),
        ]
    )
    prospect.lifecycle_stage = "prospect"
    prospect.save(update_fields=["lifecycle_stage"])
    make_application(rm, drafting)
    submitted(rm, submitted_)
    disbursed_loan(rm, approver, borrower)
    contact_override_set(customer=overridden, user=lead, interval_days=5, reason="Watch")
    clock.set(at(AS_OF, 12))
    for days, customer in enumerate([drafting, submitted_, borrower, prospect, plain, overridden]):
        make_interaction(customer, occurred_at=at(AS_OF - timedelta(days=6 + days * 9)))

    def rows(limit):
        return [
            (s.customer_id, s.loan_stage, s.interval_days, s.overridden, s.next_due)
            for s in selectors.customers_past_contact_interval(
                selectors.Customer.objects.all(), as_of=AS_OF, limit=limit
            )
        ]

    whole, worklist = rows(None), rows(100)
    assert whole == worklist
    assert {row[0] for row in whole} >= {submitted_.pk, overridden.pk, never.pk}
    assert rows(2) == whole[:2]


@pytest.mark.django_db
def test_loan_stage_comes_from_real_applications_and_loans(rm, approver):
    drafting, returned, submitted_, reviewing, approved_, signed, borrower = (
        _established(rm) for _ in range(7)
    )
    reviewing.risk_level = "high"  # one approval is not enough: risk must sign off too
    reviewing.save(update_fields=["risk_level"])
    make_application(rm, drafting)
    loans.application_return(
        application=submitted(rm, returned), user=approver, comment="Add the tax records"
    )
    submitted(rm, submitted_)
    loans.application_approve(application=submitted(rm, reviewing), user=approver, comment="ok")
    approved(rm, [approver], approved_)
    loans.application_sign_contract(application=approved(rm, [approver], signed), user=rm)
    disbursed_loan(rm, approver, borrower)
    customers = [drafting, returned, submitted_, reviewing, approved_, signed, borrower]

    stages = selectors.loan_stage_by_customer(c.pk for c in customers)

    assert [LoanApplication.objects.get(customer=c).status for c in customers] == [
        "draft",
        "returned",
        "submitted",
        "under_review",
        "approved",
        "contract_signed",
        "disbursed",
    ]
    assert [stages[c.pk] for c in customers] == [
        "application",
        "application",
        "approval",
        "approval",
        "approval",
        "approval",
        "post_loan",
    ]


@pytest.mark.django_db
def test_loan_stage_prefers_the_stage_contacted_most_often(rm, approver):
    borrowing_again, renewing = _established(rm), _established(rm)
    disbursed_loan(rm, approver, borrowing_again)
    make_application(rm, borrowing_again)
    disbursed_loan(rm, approver, renewing)
    submitted(rm, renewing)

    stages = selectors.loan_stage_by_customer([borrowing_again.pk, renewing.pk])

    assert stages == {borrowing_again.pk: "application", renewing.pk: "approval"}


@pytest.mark.django_db
def test_settled_loans_and_rejected_applications_fall_back_to_the_lifecycle(rm, approver):
    settled_established = _established(rm)
    settled_new = CustomerFactory(relationship_manager=rm, lifecycle_stage="new")
    rejected_prospect = CustomerFactory(relationship_manager=rm, lifecycle_stage="prospect")
    for customer in (settled_established, settled_new):
        loan = disbursed_loan(rm, approver, customer)
        total = sum(i.amount for i in Installment.objects.filter(loan=loan))
        loans.repayment_post(loan=loan, user=rm, paid_on=date(2025, 2, 1), amount=total)
    loans.application_reject(
        application=submitted(rm, rejected_prospect), user=approver, comment="No"
    )

    stages = selectors.loan_stage_by_customer(
        [settled_established.pk, settled_new.pk, rejected_prospect.pk]
    )

    assert set(Loan.objects.values_list("status", flat=True)) == {"settled"}
    assert stages == {
        settled_established.pk: "post_loan",
        settled_new.pk: "application",
        rejected_prospect.pk: "application",
    }


@pytest.mark.django_db
def test_loan_stage_takes_one_query_for_any_number_of_customers(
    rm, approver, django_assert_num_queries
):
    customers = [_established(rm) for _ in range(3)]
    disbursed_loan(rm, approver, customers[0])
    make_application(rm, customers[1])

    with django_assert_num_queries(1):
        stages = selectors.loan_stage_by_customer(c.pk for c in customers)

    assert list(stages.values()) == ["post_loan", "application", "post_loan"]
