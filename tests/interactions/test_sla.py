"""SLA clocks, breach flags and escalation of service requests (DOMAIN.md §7)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from crm.exceptions import DomainError, TransitionNotAllowed
from interactions import jobs, sla
from interactions.models import ServiceRequest, ServiceRequestEvent, SlaPolicy, Task
from interactions.services import service_request_advance
from tests.factories import CustomerFactory, make_service_request

RECEIVED = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
COMPLAINT = sla.SlaTargets(24, 48, 2)


def test_first_handling_clock_is_not_breached_at_23_59_and_breached_at_24_01():
    due = sla.due_times(RECEIVED, COMPLAINT, urgent=False)

    assert due.first_handling_due_at == RECEIVED + timedelta(hours=24)
    assert due.reply_due_at == RECEIVED + timedelta(hours=48)
    at_23_59 = RECEIVED + timedelta(hours=23, minutes=59)
    at_24_01 = RECEIVED + timedelta(hours=24, minutes=1)
    kwargs = {
        "first_handling_due_at": due.first_handling_due_at,
        "reply_due_at": due.reply_due_at,
        "first_handled_at": None,
        "replied_at": None,
    }
    assert sla.is_breached(**kwargs, now=at_23_59) is False
    assert sla.is_breached(**kwargs, now=at_24_01) is True


def test_reply_clock_breaches_after_48_hours_even_when_handled_in_time():
    due = sla.due_times(RECEIVED, COMPLAINT, urgent=False)
    handled = RECEIVED + timedelta(hours=2)

    def breached(now):
        return sla.is_breached(
            first_handling_due_at=due.first_handling_due_at,
            reply_due_at=due.reply_due_at,
            first_handled_at=handled,
            replied_at=None,
            now=now,
        )

    assert breached(RECEIVED + timedelta(hours=47, minutes=59)) is False
    assert breached(RECEIVED + timedelta(hours=48, minutes=1)) is True


def test_urgent_items_are_handled_within_two_hours():
    due = sla.due_times(RECEIVED, COMPLAINT, urgent=True)

    assert due.first_handling_due_at == RECEIVED + timedelta(hours=2)
    assert due.reply_due_at == RECEIVED + timedelta(hours=48)


@pytest.mark.django_db
def test_inquiry_targets_come_from_the_admin_table(rm):
    customer = CustomerFactory(relationship_manager=rm)
    SlaPolicy.objects.filter(kind="inquiry").update(first_handling_hours=4, reply_hours=8)

    request = make_service_request(customer, kind="inquiry", received_at=RECEIVED)

    assert request.first_handling_due_at == RECEIVED + timedelta(hours=4)
    assert request.reply_due_at == RECEIVED + timedelta(hours=8)


def _sla_job_at(clock, moment):
    clock.set(moment)
    return jobs.sla_check(as_of=timezone.localdate(moment))


@pytest.mark.django_db
def test_job_flags_an_untouched_complaint_at_24_01_not_at_23_59(clock, rm, lead):
    customer = CustomerFactory(relationship_manager=rm)
    clock.set(RECEIVED)
    complaint = make_service_request(customer, received_at=RECEIVED)

    early = _sla_job_at(clock, RECEIVED + timedelta(hours=23, minutes=59))
    complaint.refresh_from_db()
    assert (complaint.sla_breached, early.counts["breached"]) == (False, 0)

    late = _sla_job_at(clock, RECEIVED + timedelta(hours=24, minutes=1))
    complaint.refresh_from_db()
    assert complaint.sla_breached is True
    assert late.counts == {"breached": 1, "escalated": 1, "tasks": 1, "without_lead": 0}


@pytest.mark.django_db
def test_breach_is_escalated_to_the_team_lead_once(clock, rm, lead):
    customer = CustomerFactory(relationship_manager=rm, name="Huaxin Steel")
    clock.set(RECEIVED)
    complaint = make_service_request(customer, received_at=RECEIVED)
    moment = RECEIVED + timedelta(hours=30)

    first = _sla_job_at(clock, moment)
    second = _sla_job_at(clock, moment + timedelta(days=1))

    tasks = Task.objects.filter(source_key=f"service-request:{complaint.pk}:escalation")
    assert [(t.owner, t.kind, t.customer) for t in tasks] == [(lead, "service_request", customer)]
    assert "Huaxin Steel" in tasks[0].title
    assert first.counts["escalated"] == 1
    assert second.counts == {"breached": 0, "escalated": 0, "tasks": 0, "without_lead": 0}
    complaint.refresh_from_db()
    assert complaint.escalated_at == moment
    kinds = list(
        ServiceRequestEvent.objects.filter(request=complaint).values_list("kind", flat=True)
    )
    assert kinds == ["transition", "sla_breach", "escalation"]


@pytest.mark.django_db
def test_without_a_team_lead_the_breach_is_flagged_and_escalation_retried(clock, rm_other_team):
    customer = CustomerFactory(relationship_manager=rm_other_team)
    clock.set(RECEIVED)
    complaint = make_service_request(customer, received_at=RECEIVED)

    result = _sla_job_at(clock, RECEIVED + timedelta(hours=30))

    complaint.refresh_from_db()
    assert complaint.sla_breached is True
    assert complaint.escalated_at is None
    assert result.counts["without_lead"] == 1


@pytest.mark.django_db
def test_handling_in_time_keeps_the_request_green(clock, rm, lead):
    customer = CustomerFactory(relationship_manager=rm)
    clock.set(RECEIVED)
    complaint = make_service_request(customer, received_at=RECEIVED)
    clock.set(RECEIVED + timedelta(hours=3))
    service_request_advance(request=complaint, user=rm, to_status="classified")

    result = _sla_job_at(clock, RECEIVED + timedelta(hours=30))

    complaint.refresh_from_db()
    assert complaint.first_handled_at == RECEIVED + timedelta(hours=3)
    assert complaint.sla_breached is False
    assert result.counts["breached"] == 0


@pytest.mark.django_db
def test_a_late_step_flags_the_breach_on_the_change_itself(clock, rm):
    customer = CustomerFactory(relationship_manager=rm)
    clock.set(RECEIVED)
    complaint = make_service_request(customer, received_at=RECEIVED)
    clock.set(RECEIVED + timedelta(hours=25))

    service_request_advance(request=complaint, user=rm, to_status="classified")

    complaint.refresh_from_db()
    assert complaint.sla_breached is True


@pytest.mark.django_db
def test_a_past_business_date_is_checked_at_the_end_of_that_day(clock, rm, lead):
    customer = CustomerFactory(relationship_manager=rm)
    # Received 2026-03-02 09:00 Shanghai: first handling due 03-03 09:00.
    clock.set(RECEIVED)
    complaint = make_service_request(customer, received_at=RECEIVED)
    clock.set(RECEIVED + timedelta(days=10))  # the jobs run late, for past dates

    jobs.sla_check(as_of=date(2026, 3, 2))
    complaint.refresh_from_db()
    assert complaint.sla_breached is False

    jobs.sla_check(as_of=date(2026, 3, 3))
    complaint.refresh_from_db()
    assert complaint.sla_breached is True


@pytest.mark.django_db
def test_urgent_request_notifies_owner_and_lead_at_creation(rm, lead):
    customer = CustomerFactory(relationship_manager=rm)

    request = make_service_request(customer, urgency="high")

    owners = set(
        Task.objects.filter(
            source_key__startswith=f"service-request:{request.pk}:urgent"
        ).values_list("owner__username", flat=True)
    )
    assert owners == {"rm_a1", "lead_a"}


@pytest.mark.django_db
def test_medium_request_notifies_nobody(rm, lead):
    customer = CustomerFactory(relationship_manager=rm)

    make_service_request(customer)

    assert Task.objects.count() == 0


@pytest.mark.django_db
def test_flow_stamps_every_step_and_closing_needs_resolution_and_satisfaction(rm):
    customer = CustomerFactory(relationship_manager=rm)
    request = make_service_request(customer)

    with pytest.raises(DomainError) as no_plan:
        service_request_advance(request=request, user=rm, to_status="assigned")
    assert no_plan.value.field == "action_plan"
    request = service_request_advance(
        request=request,
        user=rm,
        to_status="assigned",
        action_plan="Resend statements by courier.",
        due_date=date(2026, 12, 1),
        department="Operations",
    )
    assert request.classified_at == request.analysed_at == request.assigned_at
    assert request.first_handled_at == request.classified_at
    request = service_request_advance(request=request, user=rm, to_status="replied")
    assert request.in_progress_at is not None
    assert request.replied_at is not None

    with pytest.raises(DomainError) as no_resolution:
        service_request_advance(request=request, user=rm, to_status="closed")
    assert no_resolution.value.field == "resolution"
    with pytest.raises(DomainError) as no_satisfaction:
        service_request_advance(
            request=request, user=rm, to_status="closed", resolution="Statements resent."
        )
    assert no_satisfaction.value.field == "customer_satisfaction"
    request.refresh_from_db()
    assert request.status == "replied"

    request = service_request_advance(
        request=request,
        user=rm,
        to_status="closed",
        resolution="Statements resent.",
        customer_satisfaction="satisfied",
    )
    assert request.status == "closed"
    assert request.closed_at is not None
    with pytest.raises(TransitionNotAllowed):
        service_request_advance(request=request, user=rm, to_status="replied")
    steps = list(
        ServiceRequest.objects.get(pk=request.pk)
        .events.filter(kind="transition")
        .values_list("from_status", "to_status")
    )
    assert steps == [
        ("", "received"),
        ("received", "assigned"),
        ("assigned", "replied"),
        ("replied", "closed"),
    ]
