"""Classification rules with the §10 defaults, the re-review job and the worklist section."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from customers import segmentation
from customers.jobs import classification_review
from customers.models import Customer, SegmentationPolicy
from customers.selectors import customers_due_for_review
from tests.factories import CustomerFactory

POLICY = SegmentationPolicy()  # the DOMAIN.md §10 defaults, unsaved


@pytest.mark.parametrize(
    ("credit", "score", "expected"),
    [
        (Decimal("50000000.00"), None, "key"),
        (Decimal("49999999.99"), None, "general"),
        (None, 80, "key"),
        (None, 79, "general"),
        (None, None, "general"),
    ],
)
def test_key_customer_at_50m_credit_or_80_contribution(credit, score, expected):
    assert (
        segmentation.suggested_tier(approved_credit=credit, contribution_score=score, policy=POLICY)
        == expected
    )


def test_high_value_is_the_top_10_percent_by_contribution():
    scores = list(range(50, 100))  # 50 customers: the top 10 % are the five best (95..99)

    cutoff = segmentation.high_value_cutoff(scores, top_percent=10)

    assert cutoff == 95
    assert segmentation.high_value_cutoff([], top_percent=10) is None
    assert segmentation.high_value_cutoff([5], top_percent=10) == 5
    tier = segmentation.suggested_value_tier
    assert tier(contribution_score=95, credit_grade="", cutoff=cutoff, policy=POLICY) == (
        "high_value"
    )
    assert tier(contribution_score=94, credit_grade="", cutoff=cutoff, policy=POLICY) == (
        "high_potential"
    )
    assert tier(contribution_score=10, credit_grade="excellent", cutoff=cutoff, policy=POLICY) == (
        "quality"
    )
    assert tier(contribution_score=None, credit_grade="", cutoff=cutoff, policy=POLICY) == (
        "standard"
    )


def test_review_interval_is_365_days_or_180_for_watch_or_high_risk():
    due = segmentation.review_due_on
    reviewed = date(2025, 1, 1)

    assert due(classified_on=reviewed, credit_grade="good", risk_level="low", policy=POLICY) == (
        date(2026, 1, 1)
    )
    assert due(classified_on=reviewed, credit_grade="watch", risk_level="low", policy=POLICY) == (
        reviewed + timedelta(days=180)
    )
    assert due(classified_on=reviewed, credit_grade="", risk_level="high", policy=POLICY) == (
        reviewed + timedelta(days=180)
    )


@pytest.mark.django_db
def test_due_list_follows_the_intervals_the_scope_and_the_current_policy(
    rm, rm_other_team, admin_user
):
    as_of = date(2026, 6, 30)
    old = CustomerFactory(relationship_manager=rm, classified_on=as_of - timedelta(days=365))
    CustomerFactory(relationship_manager=rm, classified_on=as_of - timedelta(days=364))
    risky = CustomerFactory(
        relationship_manager=rm, risk_level="high", classified_on=as_of - timedelta(days=180)
    )
    CustomerFactory(
        relationship_manager=rm, lifecycle_stage="churned", classified_on=date(2020, 1, 1)
    )
    CustomerFactory(relationship_manager=rm_other_team, classified_on=date(2020, 1, 1))

    due = list(customers_due_for_review(user=rm, as_of=as_of))

    assert due == [old, risky]
    SegmentationPolicy.objects.create(review_interval_days=100, changed_by=admin_user)
    assert len(customers_due_for_review(user=rm, as_of=as_of)) == 3


@pytest.mark.django_db
def test_the_job_counts_due_customers_and_changes_nothing(rm, rm_other_team):
    CustomerFactory(relationship_manager=rm, classified_on=date(2020, 1, 1))
    CustomerFactory(relationship_manager=rm_other_team, classified_on=None)
    CustomerFactory(relationship_manager=rm, classified_on=date(2026, 6, 1))
    before = list(Customer.objects.values_list("id", "classified_on", "updated_at"))

    first = classification_review(as_of=date(2026, 6, 30))
    second = classification_review(as_of=date(2026, 6, 30))

    assert first.counts == second.counts == {"due": 2, "owners": 2}
    assert first.summary == "2 customers due for classification review (2 owners)"
    assert list(Customer.objects.values_list("id", "classified_on", "updated_at")) == before


@pytest.mark.django_db
def test_worklist_lists_the_rms_reviews_due(web_for, rm, rm_other_team):
    CustomerFactory(relationship_manager=rm, name="Due Co", classified_on=date(2020, 1, 1))
    CustomerFactory(relationship_manager=rm_other_team, name="Not Mine", classified_on=None)

    html = web_for(rm).get("/").content.decode()

    assert 'data-testid="worklist-customers-reviews"' in html
    assert "Due Co" in html
    assert "Not Mine" not in html


@pytest.mark.django_db
def test_review_confirmation_resets_the_clock_and_is_recorded(web_for, rm):
    customer = CustomerFactory(relationship_manager=rm, classified_on=date(2020, 1, 1))

    response = web_for(rm).post(
        f"/customers/{customer.pk}/review/", {"reason": "Unchanged after annual review"}
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    from django.utils import timezone

    assert customer.classified_on == timezone.localdate()
    change = customer.changes.get()
    assert (change.field, change.old_value, change.reason) == (
        "classified_on",
        "2020-01-01",
        "Unchanged after annual review",
    )


@pytest.mark.django_db
def test_policy_versions_are_added_never_edited_in_the_admin(web_for, admin_user):
    client = web_for(admin_user)

    add = client.get("/admin/customers/segmentationpolicy/add/")
    saved = client.post(
        "/admin/customers/segmentationpolicy/add/",
        {
            "review_interval_days": 300,
            "watch_review_interval_days": 120,
            "needs_review_days": 180,
            "key_credit_threshold": "50000000.00",
            "key_contribution_threshold": 80,
            "high_value_top_percent": 10,
            "high_potential_min_contribution": 60,
            "weight_loans": 40,
            "weight_deposits": 30,
            "weight_intermediate_income": 20,
            "weight_products": 10,
            "full_marks_loans": "100000000.00",
            "full_marks_deposits": "50000000.00",
            "full_marks_intermediate_income": "1000000.00",
            "full_marks_products": 10,
            "premium_min_contribution": 70,
            "potential_min_contribution": 40,
            "established_after_months": 12,
            "churn_inactive_days": 180,
            "churn_renewal_days": 30,
            "note": "Tighter reviews",
        },
    )
    bad = client.post(
        "/admin/customers/segmentationpolicy/add/",
        {
            "review_interval_days": 300,
            "watch_review_interval_days": 120,
            "needs_review_days": 180,
            "key_credit_threshold": "50000000.00",
            "key_contribution_threshold": 80,
            "high_value_top_percent": 10,
            "high_potential_min_contribution": 60,
            "weight_loans": 50,
            "weight_deposits": 30,
            "weight_intermediate_income": 20,
            "weight_products": 10,
            "full_marks_loans": "100000000.00",
            "full_marks_deposits": "50000000.00",
            "full_marks_intermediate_income": "1000000.00",
            "full_marks_products": 10,
            "premium_min_contribution": 70,
            "potential_min_contribution": 40,
            "established_after_months": 12,
            "churn_inactive_days": 180,
            "churn_renewal_days": 30,
        },
    )

    assert add.status_code == 200
    assert 'value="365"' in add.content.decode()
    assert saved.status_code == 302
    current = SegmentationPolicy.current()
    assert (current.review_interval_days, current.changed_by) == (300, admin_user)
    assert "must add up to 100" in bad.content.decode()
    assert SegmentationPolicy.objects.count() == 1
    response = client.post(
        f"/admin/customers/segmentationpolicy/{current.pk}/change/",
        {"review_interval_days": 1},
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_classification_job_sets_value_tiers_from_computed_scores_and_is_idempotent(rm):
    from customers.jobs import classification

    # Products held alone: n products of 10 at full marks score n (weight 10 %).
    customers = [
        CustomerFactory(relationship_manager=rm, products_held=0, deposits=Decimal("0"))
        for _ in range(2)
    ]
    scored = {
        score: CustomerFactory(
            relationship_manager=rm,
            deposits=Decimal("50000000.00"),  # 30 points
            intermediate_income=Decimal(score - 30) * Decimal("50000.00"),  # 1 point per 50 k
        )
        for score in range(31, 51)
    }
    excellent = CustomerFactory(relationship_manager=rm, credit_grade="excellent")

    first = classification(as_of=date(2026, 6, 30))
    second = classification(as_of=date(2026, 6, 30))

    tiers = {s: Customer.objects.get(pk=c.pk) for s, c in scored.items()}
    assert [tiers[s].contribution_score for s in (31, 50)] == [31, 50]
    # 20 scored above zero: the top 10 % are the best two.
    assert [tiers[s].value_tier for s in (50, 49, 48)] == ["high_value", "high_value", "standard"]
    zero = Customer.objects.get(pk=customers[0].pk)
    assert (zero.contribution_score, zero.value_tier) == (0, "standard")
    assert Customer.objects.get(pk=excellent.pk).value_tier == "quality"
    assert first.counts["value_tier"] == 23
    assert set(second.counts.values()) == {0}
    change = scored[50].changes.get(field="value_tier")
    assert (change.old_value, change.new_value, change.changed_by) == ("", "high_value", None)
    assert change.reason == "Value-tier rule (top 10% by contribution)"


@pytest.mark.django_db
def test_worklist_lists_open_needs_not_reassessed_for_180_days(web_for, rm, rm_other_team):
    from django.utils import timezone

    from customers.models import Need

    today = timezone.localdate()
    mine = CustomerFactory(relationship_manager=rm, classified_on=today)
    theirs = CustomerFactory(relationship_manager=rm_other_team, classified_on=today)

    def need(customer, title, reviewed, status="identified"):
        return Need.objects.create(
            customer=customer,
            kind="business",
            discovery_method="interview",
            title=title,
            owner=customer.relationship_manager,
            status=status,
            last_reviewed_on=reviewed,
        )

    need(mine, "Stale need", today - timedelta(days=180))
    need(mine, "Fresh need", today - timedelta(days=179))
    need(mine, "Done need", today - timedelta(days=400), status="fulfilled")
    need(theirs, "Their need", today - timedelta(days=400))

    html = web_for(rm).get("/").content.decode()

    assert 'data-testid="worklist-customers-needs"' in html
    assert "Stale need" in html
    for absent in ("Fresh need", "Done need", "Their need"):
        assert absent not in html
