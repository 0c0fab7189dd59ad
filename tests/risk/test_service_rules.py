"""Rules fed by the interactions app: contact overdue, complaint SLA breach; their indicators."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from crm.jobs import get_job
from interactions.risk_feed import contact_overdue_facts
from risk import services
from risk.models import Alert
from risk.rules import RULES, parse_params
from tests.factories import CustomerFactory, make_interaction, make_service_request

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 3, 2)


def _hits(code, as_of=AS_OF, **overrides):
    return list(RULES[code].func(as_of=as_of, params=parse_params(code, overrides)))


def _at(day):
    return timezone.make_aware(datetime.combine(day, datetime.min.time()).replace(hour=10))


@pytest.mark.parametrize(("min_days", "fires"), [(3, True), (4, False)])
def test_contact_overdue_fires_at_its_threshold(rm, min_days, fires):
    customer = CustomerFactory(relationship_manager=rm, lifecycle_stage="established")
    make_interaction(customer, occurred_at=_at(AS_OF - timedelta(days=400)))
    (fact,) = [f for f in contact_overdue_facts(as_of=AS_OF) if f["customer_id"] == customer.pk]
    # Move the last contact so the customer is exactly 3 days past its interval.
    last = AS_OF - timedelta(days=fact["interval_days"] + 3)
    customer.interactions.update(occurred_at=_at(last))

    hits = _hits("contact_overdue", min_days_overdue=min_days)

    assert [h.customer_id for h in hits] == ([customer.pk] if fires else [])
    if fires:
        assert hits[0].details["days_overdue"] == 3
        assert hits[0].details["last_contact"] == last.isoformat()


def test_complaint_sla_breach_lists_the_breached_complaints(rm):
    customer = CustomerFactory(relationship_manager=rm)
    quiet = CustomerFactory(relationship_manager=rm)
    late = make_service_request(customer, received_at=timezone.now() - timedelta(days=5))
    make_service_request(quiet)
    get_job("interactions.sla_check").func(as_of=timezone.localdate())

    hits = _hits("complaint_sla_breach")

    assert [h.customer_id for h in hits] == [customer.pk]
    assert [c["service_request_id"] for c in hits[0].details["complaints"]] == [late.pk]
    assert hits[0].severity == "orange"


def test_service_rules_run_after_the_interactions_jobs_and_only_there(rm):
    customer = CustomerFactory(relationship_manager=rm)
    make_service_request(customer, received_at=timezone.now() - timedelta(days=5))
    today = timezone.localdate()
    get_job("interactions.sla_check").func(as_of=today)

    get_job("risk.nightly").func(as_of=today)
    assert not Alert.objects.filter(rule="complaint_sla_breach").exists()
    result = get_job("risk.service_rules").func(as_of=today)
    again = get_job("risk.service_rules").func(as_of=today)

    assert get_job("risk.service_rules").order > get_job("interactions.cadence").order
    assert result.counts["alerts_raised"] == 1
    assert again.counts["alerts_raised"] == 0
    assert Alert.objects.get(rule="complaint_sla_breach").customer == customer


def test_contact_and_complaints_feed_the_score(rm):
    customer = CustomerFactory(relationship_manager=rm)
    make_interaction(customer, occurred_at=_at(AS_OF - timedelta(days=100)))
    make_interaction(customer, occurred_at=_at(AS_OF - timedelta(days=5)), channel="automatic")
    make_service_request(customer, received_at=_at(AS_OF - timedelta(days=10)))
    make_service_request(customer, received_at=_at(AS_OF - timedelta(days=120)))

    services.scores_compute(as_of=AS_OF)

    factors = {f["indicator"]: f for f in customer.risk_scores.get().factors}
    # The automatic notice is not a contact; the complaint from 120 days ago is outside 90.
    assert (
        factors["days_since_contact"]["value"],
        factors["days_since_contact"]["band_score"],
    ) == (
        "100",
        70,
    )
    assert (factors["complaints_90d"]["value"], factors["complaints_90d"]["band_score"]) == (
        "1",
        60,
    )
