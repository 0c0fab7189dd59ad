"""The facts the risk app turns into `contact_overdue` and `complaint_sla_breach` alerts."""

from datetime import UTC, date, datetime, timedelta

import pytest

from interactions import jobs
from interactions.risk_feed import complaint_sla_breach_facts, contact_overdue_facts
from tests.factories import CustomerFactory, make_interaction, make_service_request

AS_OF = date(2026, 6, 30)
NOON = datetime(2026, 6, 30, 4, tzinfo=UTC)


@pytest.mark.django_db
def test_contact_overdue_facts(rm, clock):
    clock.set(NOON - timedelta(days=100))
    customer = CustomerFactory(relationship_manager=rm, lifecycle_stage="established")
    make_interaction(customer)
    clock.set(NOON)

    assert contact_overdue_facts(as_of=AS_OF) == [
        {
            "customer_id": customer.pk,
            "loan_stage": "post_loan",
            "interval_days": 90,
            "last_contact": "2026-03-22",
            "next_due": "2026-06-20",
            "days_overdue": 10,
        }
    ]


@pytest.mark.django_db
def test_complaint_sla_breach_facts_list_open_breached_complaints_only(rm, lead, clock):
    customer = CustomerFactory(relationship_manager=rm)
    clock.set(NOON - timedelta(hours=30))
    complaint = make_service_request(customer)
    make_service_request(customer, kind="inquiry")
    clock.set(NOON)
    jobs.sla_check(as_of=AS_OF)

    facts = complaint_sla_breach_facts()

    assert [(f["customer_id"], f["service_request_id"], f["status"]) for f in facts] == [
        (customer.pk, complaint.pk, "received")
    ]
