"""Services of the interactions app: contacts, follow-ups, visits, surveys, care."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from crm.exceptions import ActionForbidden, DomainError, TransitionNotAllowed
from crm.roles import Role
from interactions import jobs, services
from interactions.models import Festival, Interaction, SurveyResponse, Task, VisitPlan
from tests.factories import ContactFactory, CustomerFactory, make_interaction, make_user

NOW = datetime(2026, 6, 30, 2, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_next_action_becomes_a_follow_up_task_for_the_customers_rm(rm, lead, clock):
    clock.set(NOW)
    customer = CustomerFactory(relationship_manager=rm, lifecycle_stage="established")
    cfo = ContactFactory(customer=customer, name="Zhou Ming")

    interaction = make_interaction(
        customer,
        user=lead,
        next_action="Send the renewal term sheet",
        next_action_due=date(2026, 7, 3),
        contacts=[cfo],
        contact_names=" Ms Li (auditor)\n\nMr Wu ",
    )

    task = interaction.follow_up_task
    assert (task.owner, task.title, task.due_date, task.customer, task.kind) == (
        rm,
        "Send the renewal term sheet",
        date(2026, 7, 3),
        customer,
        "follow_up",
    )
    assert task.created_by == lead
    assert interaction.loan_stage == "post_loan"
    assert list(interaction.contacts.all()) == [cfo]
    assert interaction.other_participants == ["Ms Li (auditor)", "Mr Wu"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"next_action": "Call back"}, "next_action_due"),
        ({"next_action_due": date(2026, 7, 1)}, "next_action"),
        ({"next_action": "Call back", "next_action_due": date(2026, 6, 1)}, "next_action_due"),
        ({"summary": "  "}, "summary"),
        ({"occurred_at": NOW + timedelta(days=1)}, "occurred_at"),
    ],
)
def test_bad_contact_input_is_refused_and_nothing_is_written(rm, clock, fields, field):
    clock.set(NOW)
    customer = CustomerFactory(relationship_manager=rm)

    with pytest.raises(DomainError) as error:
        make_interaction(customer, occurred_at=fields.pop("occurred_at", NOW), **fields)

    assert error.value.field == field
    assert Interaction.objects.count() == 0
    assert Task.objects.count() == 0


@pytest.mark.django_db
def test_task_complete_by_owner_and_lead_but_not_a_colleague(rm, rm_same_team, lead):
    task = services.task_create(owner=rm, title="Call", due_date=date(2026, 7, 1))

    with pytest.raises(ActionForbidden):
        services.task_complete(task=task, user=rm_same_team)
    task.refresh_from_db()
    assert task.status == "open"

    services.task_complete(task=task, user=lead)
    task.refresh_from_db()
    assert task.status == "done"
    assert task.completed_at is not None


@pytest.mark.django_db
def test_task_complete_is_idempotent_and_keeps_the_first_completion_time(rm):
    task = services.task_create(owner=rm, title="Call", due_date=date(2026, 7, 1))

    first = services.task_complete(task=task, user=rm).completed_at
    second = services.task_complete(task=task, user=rm).completed_at

    assert first == second


@pytest.mark.django_db
def test_cancelled_task_cannot_be_completed(rm):
    task = services.task_create(owner=rm, title="Call", due_date=date(2026, 7, 1))
    services.task_cancel(task=task, user=rm)

    with pytest.raises(TransitionNotAllowed):
        services.task_complete(task=task, user=rm)


@pytest.mark.django_db
def test_task_create_keeps_the_shared_signature_and_source_key_idempotency(rm):
    customer = CustomerFactory(relationship_manager=rm)
    kwargs = {
        "owner": rm,
        "title": "Repayment due",
        "due_date": date(2026, 7, 1),
        "customer": customer,
        "kind": "repayment",
        "source_key": "installment:1:rung:7d",
    }

    assert services.task_create(**kwargs) == services.task_create(**kwargs)
    assert Task.objects.count() == 1


@pytest.mark.django_db
def test_rm_cannot_assign_tasks_to_another_team_but_a_lead_can_to_their_team(
    rm, rm_same_team, rm_other_team, lead
):
    with pytest.raises(DomainError) as error:
        services.task_create_for(user=rm, owner=rm_other_team, title="x", due_date=date(2026, 7, 1))
    assert error.value.field == "owner"

    task = services.task_create_for(
        user=lead, owner=rm_same_team, title="x", due_date=date(2026, 7, 1)
    )
    assert task.owner == rm_same_team


@pytest.mark.django_db
def test_logging_the_visit_closes_its_plan_and_task(rm, clock):
    clock.set(NOW)
    customer = CustomerFactory(relationship_manager=rm)
    plan = services.visit_plan_create(
        user=rm, customer=customer, planned_for=date(2026, 6, 30), agenda="Plant tour"
    )
    assert Task.objects.get(source_key=f"visit-plan:{plan.pk}").status == "open"

    interaction = make_interaction(
        customer, channel="onsite_visit", visit_plan=plan, summary="Toured the new line."
    )

    plan.refresh_from_db()
    assert (plan.status, plan.outcome, plan.interaction) == (
        "done",
        "Toured the new line.",
        interaction,
    )
    assert Task.objects.get(source_key=f"visit-plan:{plan.pk}").status == "done"
    with pytest.raises(TransitionNotAllowed):
        services.visit_plan_cancel(visit_plan=plan, user=rm)
    assert VisitPlan.objects.get(pk=plan.pk).status == "done"


@pytest.mark.django_db
def test_survey_response_scores_are_validated(rm):
    customer = CustomerFactory(relationship_manager=rm)

    with pytest.raises(DomainError) as unknown:
        services.survey_response_create(
            user=rm, customer=customer, responded_on=date(2026, 6, 1), csat={"speed": 5}
        )
    with pytest.raises(DomainError) as out_of_range:
        services.survey_response_create(
            user=rm, customer=customer, responded_on=date(2026, 6, 1), csat={"interest_rate": 6}
        )
    with pytest.raises(DomainError) as bad_nps:
        services.survey_response_create(
            user=rm, customer=customer, responded_on=date(2026, 6, 1), csat={}, nps=11
        )

    assert (unknown.value.field, out_of_range.value.field, bad_nps.value.field) == (
        "csat",
        "csat",
        "nps",
    )
    assert SurveyResponse.objects.count() == 0


@pytest.mark.django_db
def test_missing_mandatory_dimension_makes_the_response_invalid(rm, settings):
    settings.INTERACTIONS_SURVEY_MANDATORY_DIMENSIONS = ["staff_attitude", "interest_rate"]
    customer = CustomerFactory(relationship_manager=rm)

    response = services.survey_response_create(
        user=rm, customer=customer, responded_on=date(2026, 6, 1), csat={"interest_rate": 4}
    )

    assert response.is_valid is False
    assert response.invalid_reason == "Unanswered: staff_attitude"
    services.survey_response_mark(response=response, user=rm, is_valid=True)
    response.refresh_from_db()
    assert (response.is_valid, response.invalid_reason) == (True, "")


@pytest.mark.django_db
def test_care_job_creates_birthday_and_festival_tasks_ahead_and_once(rm):
    customer = CustomerFactory(relationship_manager=rm, lifecycle_stage="established")
    CustomerFactory(relationship_manager=rm, lifecycle_stage="prospect")
    birthday_contact = ContactFactory(
        customer=customer, name="Zhou Qing", birthday=date(1985, 9, 24)
    )
    ContactFactory(customer=customer, name="Later", birthday=date(1990, 10, 30))
    mid_autumn = Festival.objects.get(date=date(2026, 9, 25))

    nothing_yet = jobs.care(as_of=date(2026, 9, 20))
    birthday_day = jobs.care(as_of=date(2026, 9, 21))  # 3 days ahead of the birthday
    festival_day = jobs.care(as_of=date(2026, 9, 22))  # 3 days ahead of Mid-Autumn
    again = jobs.care(as_of=date(2026, 9, 23))

    assert nothing_yet.counts == {"tasks": 0, "birthdays": 0, "festivals": 0}
    assert birthday_day.counts == {"tasks": 1, "birthdays": 1, "festivals": 0}
    assert festival_day.counts == {"tasks": 1, "birthdays": 1, "festivals": 1}
    assert again.counts["tasks"] == 0
    birthday_task, festival_task = Task.objects.order_by("due_date")
    assert (birthday_task.owner, birthday_task.kind, birthday_task.due_date) == (
        rm,
        "care",
        date(2026, 9, 24),
    )
    assert birthday_task.customer == customer
    assert birthday_task.title == f"Birthday greetings to Zhou Qing ({customer.name})"
    assert birthday_task.source_key == f"care:birthday:{birthday_contact.pk}:2026-09-24"
    assert (festival_task.owner, festival_task.due_date, festival_task.source_key) == (
        rm,
        date(2026, 9, 25),
        f"care:festival:{mid_autumn.pk}:rm:{rm.pk}",
    )
    assert festival_task.description == customer.name


@pytest.mark.django_db
def test_improvement_action_gives_its_owner_a_task(lead, rm):
    action = services.improvement_action_create(
        user=lead,
        title="Cut approval time",
        finding="Approval speed scored 2.1",
        owner=rm,
        due_date=date(2026, 9, 30),
        dimension="approval_speed",
    )

    task = Task.objects.get(source_key=f"improvement:{action.pk}")
    assert (task.owner, task.due_date, task.kind) == (rm, date(2026, 9, 30), "review")


@pytest.mark.django_db
def test_a_user_without_a_role_sees_no_tasks(rm):
    services.task_create(owner=rm, title="Call", due_date=timezone.localdate())
    nobody = make_user(None, username="nobody")
    approver = make_user(Role.CREDIT_APPROVER, username="appr")

    assert Task.objects.visible_to(nobody).count() == 0
    assert Task.objects.visible_to(approver).count() == 0
    assert Task.objects.visible_to(rm).count() == 1


@pytest.mark.django_db
def test_another_customers_contact_is_refused_as_a_participant_and_nothing_is_written(rm, clock):
    clock.set(NOW)
    customer = CustomerFactory(relationship_manager=rm)
    elsewhere = ContactFactory(customer=CustomerFactory(relationship_manager=rm))
    own = ContactFactory(customer=customer)

    with pytest.raises(DomainError) as error:
        make_interaction(
            customer,
            contacts=[own, elsewhere],
            next_action="Call back",
            next_action_due=date(2026, 7, 1),
        )

    assert (error.value.field, error.value.message) == (
        "contacts",
        "Choose contacts of this customer only.",
    )
    assert Interaction.objects.count() == 0
    assert Task.objects.count() == 0


@pytest.mark.django_db
def test_visit_plan_keeps_its_contacts_and_refuses_another_customers(rm):
    customer = CustomerFactory(relationship_manager=rm)
    own = ContactFactory(customer=customer)
    elsewhere = ContactFactory(customer=CustomerFactory(relationship_manager=rm))

    plan = services.visit_plan_create(
        user=rm,
        customer=customer,
        planned_for=date(2026, 7, 10),
        agenda="Review the year",
        contacts=[own],
        contact_names="Mr Wu (supplier)\n",
    )
    with pytest.raises(DomainError) as error:
        services.visit_plan_create(
            user=rm,
            customer=customer,
            planned_for=date(2026, 7, 11),
            agenda="Again",
            contacts=[elsewhere],
        )

    assert list(plan.contacts.all()) == [own]
    assert plan.other_participants == ["Mr Wu (supplier)"]
    assert error.value.field == "contacts"
    assert VisitPlan.objects.count() == 1
    assert Task.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("as_of", "due"),
    [
        (date(2027, 2, 25), date(2027, 2, 28)),  # no 29 February in 2027: greeted on the 28th
        (date(2028, 2, 26), date(2028, 2, 29)),  # a leap year has the day itself
    ],
)
def test_a_29_february_birthday_is_greeted_on_28_february_in_other_years(rm, as_of, due):
    customer = CustomerFactory(relationship_manager=rm, lifecycle_stage="established")
    leapling = ContactFactory(customer=customer, name="Leap Li", birthday=date(1992, 2, 29))
    ContactFactory(customer=customer, name="March Ma", birthday=date(1990, 3, 1))

    result = jobs.care(as_of=as_of)

    assert result.counts == {"tasks": 1, "birthdays": 1, "festivals": 0}
    task = Task.objects.get()
    assert (task.due_date, task.source_key) == (due, f"care:birthday:{leapling.pk}:{due}")


@pytest.mark.django_db
def test_birthday_window_over_28_february_of_a_common_year_finds_both_days(rm):
    from interactions.selectors import contacts_with_birthdays_between

    customer = CustomerFactory(relationship_manager=rm)
    leapling = ContactFactory(customer=customer, birthday=date(1992, 2, 29))
    twenty_eighth = ContactFactory(customer=customer, birthday=date(1980, 2, 28))
    ContactFactory(customer=customer, birthday=date(1980, 2, 27))

    found = contacts_with_birthdays_between(date(2027, 2, 28), date(2027, 3, 2))

    assert sorted((c.pk, day) for c, day in found) == [
        (leapling.pk, date(2027, 2, 28)),
        (twenty_eighth.pk, date(2027, 2, 28)),
    ]


@pytest.mark.django_db
def test_admin_form_refuses_another_customers_contact(rm):
    from django.forms import modelform_factory

    from interactions.admin import ParticipantsAdminForm

    customer = CustomerFactory(relationship_manager=rm)
    own = ContactFactory(customer=customer)
    elsewhere = ContactFactory(customer=CustomerFactory(relationship_manager=rm))
    form_class = modelform_factory(
        VisitPlan,
        form=ParticipantsAdminForm,
        fields=["customer", "planned_for", "agenda", "status", "created_by", "contacts"],
    )
    data = {
        "customer": customer.pk,
        "planned_for": "2026-07-10",
        "agenda": "Review",
        "status": "planned",
        "created_by": rm.pk,
    }

    refused = form_class(data={**data, "contacts": [own.pk, elsewhere.pk]})
    accepted = form_class(data={**data, "contacts": [own.pk]})

    assert refused.errors == {"contacts": ["Choose contacts of this customer only."]}
    assert accepted.is_valid(), accepted.errors
