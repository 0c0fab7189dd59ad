"""The reminder ladder over a month of `run_daily_jobs --as-of` dates (API.md, Reminders)."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from interactions.models import Interaction
from loans import services as loan_services
from loans.models import Installment
from notifications.models import Delivery, Notification, ReminderRung
from notifications.reminders import REMINDERS_JOB
from notifications.services import notification_acknowledge
from tests.factories import ContactFactory, CustomerFactory
from tests.notifications.conftest import disburse

MARCH = [date(2026, 3, 1) + timedelta(days=n) for n in range(31)]


def pay(loan, rm, *numbers, on):
    installments = Installment.objects.filter(loan=loan, number__in=numbers)
    amount = sum(item.amount for item in installments)
    loan_services.repayment_post(loan=loan, user=rm, paid_on=on, amount=amount)


@pytest.fixture
def book(rm, lead, risk_officer, approver):
    """Loan A: 12 months from 15 Jan (1st paid); loan B: 3 months from 10 Jan (1st, 2nd paid)."""
    customer = CustomerFactory(relationship_manager=rm, name="Huaxin Machinery Co., Ltd.")
    contact = ContactFactory(
        customer=customer, name="Li Na", email="li.na@huaxin.example", phone="13812345678"
    )
    loan_a = disburse(rm, approver, customer, disbursed_on=date(2026, 1, 15), term_months=12)
    loan_b = disburse(rm, approver, customer, disbursed_on=date(2026, 1, 10), term_months=3)
    pay(loan_a, rm, 1, on=date(2026, 2, 14))
    pay(loan_b, rm, 1, 2, on=date(2026, 2, 1))
    return {
        "rm": rm,
        "lead": lead,
        "risk": risk_officer,
        "contact": contact,
        "loan_a": loan_a,
        "loan_b": loan_b,
        "a2": loan_a.installments.get(number=2),
        "b3": loan_b.installments.get(number=3),
    }


def run(day, committed):
    out = StringIO()
    with committed():
        call_command(
            "run_daily_jobs",
            "--as-of",
            day.isoformat(),
            "--job",
            "loans.dpd_classification",
            "--job",
            REMINDERS_JOB,
            stdout=out,
        )
    return out.getvalue()


def sent(book):
    """Every delivery as (business date, installment, rung, recipient, channel, status)."""
    names = {
        f"user:{book['rm'].pk}": "rm",
        f"user:{book['lead'].pk}": "lead",
        f"user:{book['risk'].pk}": "risk",
        f"contact:{book['contact'].pk}": "contact",
    }
    labels = {book["a2"].pk: "A2", book["b3"].pk: "B3"}
    return {
        (
            row.business_date.day,
            labels.get(row.installment_id, row.installment_id),
            row.rung,
            names[row.recipient],
            row.channel,
            row.status,
        )
        for row in Delivery.objects.all()
    }


def to_all(day, installment, rung):
    """The RM in the app, the finance contact by email and SMS."""
    return {
        (day, installment, rung, "rm", "in_app", "sent"),
        (day, installment, rung, "contact", "email", "sent"),
        (day, installment, rung, "contact", "sms", "sent"),
    }


@pytest.mark.django_db
def test_a_month_of_daily_runs_sends_exactly_the_expected_reminders(book, committed, sms_outbox):
    for day in MARCH:
        if day == date(2026, 3, 25):
            pay(book["loan_a"], book["rm"], 2, on=day)  # paid 10 days late, before the run
        run(day, committed)

    assert sent(book) == (
        to_all(8, "A2", "pre-due-7")
        | to_all(11, "B3", "pre-maturity-30")
        | to_all(14, "A2", "pre-due-1")
        | to_all(16, "A2", "overdue+1")
        | {(17, "A2", "overdue+1:lead", "lead", "in_app", "sent")}
        | {(19, "A2", "overdue+1:risk", "risk", "in_app", "sent")}
        | to_all(23, "A2", "overdue+8")
        | {(24, "A2", "overdue+8:lead", "lead", "in_app", "sent")}
        # Paid on the 25th: no risk escalation on the 26th, no overdue+15 on the 30th.
    )
    assert Notification.objects.filter(recipient=book["rm"]).count() == 5
    assert list(
        Notification.objects.filter(recipient=book["lead"]).values_list("kind", flat=True)
    ) == ["escalation", "escalation"]
    assert len(mail.outbox) == 5
    assert len(sms_outbox) == 5
    assert len({m.extra_headers["X-CRM-Delivery"] for m in mail.outbox}) == 5
    # Every email and SMS to the customer is in its interaction history, once.
    history = Interaction.objects.filter(customer=book["loan_a"].customer)
    assert history.count() == 10
    assert set(history.values_list("channel", "purpose")) == {
        ("automatic", "repayment_reminder"),
        ("automatic", "maturity_reminder"),
    }


@pytest.mark.django_db
def test_the_messages_name_the_installment_amount_and_dates(book, committed, sms_outbox):
    run(date(2026, 3, 8), committed)

    a2 = book["a2"]
    loan = book["loan_a"]
    amount = f"{a2.amount:,.2f}"
    note = Notification.objects.get()
    assert (note.kind, note.loan, note.installment, note.customer) == (
        "repayment_reminder",
        loan,
        a2,
        loan.customer,
    )
    assert note.message == (
        f"Huaxin Machinery Co., Ltd.: installment 2 of loan L{loan.pk} (CNY {amount}) "
        "is due on 2026-03-15."
    )
    assert note.url == f"/loans/{loan.pk}/"
    email = mail.outbox[0]
    assert email.to == ["li.na@huaxin.example"]
    assert email.subject == f"还款提醒：贷款L{loan.pk} 第2期将于2026-03-15到期"
    assert "Li Na 您好：" in email.body
    assert f"应还金额：人民币 {amount} 元" in email.body
    assert "（7天后）" in email.body
    assert sms_outbox[0]["text"] == (
        f"【Bank】Huaxin Machinery Co., Ltd.：贷款L{loan.pk}第2期应还{amount}元，将于3月15日到期，"
        "请按时还款。如已还款请忽略。"
    )


@pytest.mark.django_db
def test_english_customer_emails(book, committed, settings, sms_outbox):
    settings.NOTIFICATIONS_CUSTOMER_LANGUAGE = "en"

    run(date(2026, 3, 16), committed)

    email = mail.outbox[0]
    assert email.subject == (
        f"Overdue repayment: installment 2 of loan L{book['loan_a'].pk} (1 days past due)"
    )
    assert email.body.startswith("Dear Li Na,")
    assert "is now 1 day past due." in email.body


@pytest.mark.django_db
def test_skipped_days_are_caught_up_with_only_the_latest_rung(book, committed, sms_outbox):
    # No runs from the 10th to the 15th (Redis or beat down).
    for day in MARCH[:9] + MARCH[15:20]:
        run(day, committed)

    assert sent(book) == (
        to_all(8, "A2", "pre-due-7")
        # pre-due-1 (14th) was missed and overdue+1 applies by the 16th: only overdue+1.
        | to_all(16, "A2", "overdue+1")
        # The maturity reminder of the 11th is sent late, on the next run.
        | to_all(16, "B3", "pre-maturity-30")
        | {(17, "A2", "overdue+1:lead", "lead", "in_app", "sent")}
        | {(19, "A2", "overdue+1:risk", "risk", "in_app", "sent")}
    )


@pytest.mark.django_db
def test_running_a_date_twice_sends_nothing_the_second_time(book, committed, sms_outbox):
    first = run(date(2026, 3, 8), committed)
    second = run(date(2026, 3, 8), committed)

    assert (
        f"{REMINDERS_JOB} [2026-03-08]: 1 installments: 1 notifications, 2 emails/SMS queued"
        in first
    )
    assert (
        f"{REMINDERS_JOB} [2026-03-08]: 1 installments: 0 notifications, 0 emails/SMS queued"
        in second
    )
    assert Delivery.objects.count() == 3
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_an_acknowledged_overdue_reminder_does_not_escalate(book, committed, sms_outbox):
    run(date(2026, 3, 16), committed)
    overdue = Notification.objects.get(kind="repayment_overdue")
    notification_acknowledge(notification=overdue, user=book["rm"])

    for day in MARCH[16:22]:
        run(day, committed)

    assert Notification.objects.filter(kind="escalation").count() == 0


@pytest.mark.django_db
def test_fully_paid_installments_get_nothing(book, committed, sms_outbox):
    pay(book["loan_a"], book["rm"], 2, on=date(2026, 3, 1))
    pay(book["loan_b"], book["rm"], 3, on=date(2026, 3, 1))

    for day in MARCH[:20]:
        run(day, committed)

    assert Delivery.objects.count() == 0


@pytest.mark.django_db
def test_a_partially_paid_installment_is_still_reminded(book, committed, sms_outbox):
    loan_services.repayment_post(
        loan=book["loan_a"], user=book["rm"], paid_on=date(2026, 3, 1), amount=Decimal("100.00")
    )

    run(date(2026, 3, 8), committed)

    a2 = Installment.objects.get(pk=book["a2"].pk)
    assert Delivery.objects.filter(installment=a2).count() == 3
    assert f"CNY {a2.amount - Decimal('100.00'):,.2f}" in Notification.objects.get().message


@pytest.mark.django_db
def test_without_a_finance_contact_or_gateway_only_the_rm_is_told(book, committed, settings):
    settings.SMS_BACKEND = ""
    book["contact"].delete()

    run(date(2026, 3, 8), committed)

    assert {(d.channel, d.recipient) for d in Delivery.objects.all()} == {
        ("in_app", f"user:{book['rm'].pk}")
    }


@pytest.mark.django_db
def test_the_ladder_is_edited_in_the_admin_tables(book, committed, sms_outbox):
    # A bank adds a 3-days-before rung and stops SMS for the 7-days-before one.
    ReminderRung.objects.create(
        code="pre-due-3", name="3 days before", kind="repayment_reminder", offset_days=-3
    )
    ReminderRung.objects.filter(code="pre-due-7").update(sms_finance_contact=False)

    for day in MARCH[7:14]:
        run(day, committed)

    assert {(row[0], row[2], row[4]) for row in sent(book) if row[1] == "A2"} == {
        (8, "pre-due-7", "in_app"),
        (8, "pre-due-7", "email"),
        (12, "pre-due-3", "in_app"),
        (12, "pre-due-3", "email"),
        (12, "pre-due-3", "sms"),
        (14, "pre-due-1", "in_app"),
        (14, "pre-due-1", "email"),
        (14, "pre-due-1", "sms"),
    }


@pytest.mark.django_db
def test_from_beat_the_ladder_runs_in_batches_with_the_same_result(
    book, committed, settings, sms_outbox
):
    from notifications.tasks import run_scheduled_jobs_task

    settings.NOTIFICATIONS_BATCH_SIZE = 1
    with committed():
        run_scheduled_jobs_task.apply(args=[[REMINDERS_JOB], "2026-03-16"]).get()

    assert sent(book) == to_all(16, "A2", "overdue+1") | to_all(16, "B3", "pre-maturity-30")


@pytest.mark.django_db
def test_a_second_run_for_a_date_renders_no_message_again(book, committed, sms_outbox, monkeypatch):
    # given: the 1st to the 20th have run: reminders, and escalations to the lead and risk
    for day in MARCH[:20]:
        run(day, committed)
    recorded = sent(book)
    assert any(rung.endswith(":lead") for _, _, rung, _, _, _ in recorded)

    # when: the 20th runs again, with rendering broken
    def no_rendering(*args, **kwargs):
        raise AssertionError("a recorded message was rendered again")

    for name in ("render_in_app", "render_email", "render_sms"):
        monkeypatch.setattr(f"notifications.reminders.{name}", no_rendering)
    output = run(MARCH[19], committed)

    # then: nothing rendered, recorded or sent a second time
    assert "0 notifications, 0 emails/SMS queued" in output
    assert sent(book) == recorded


def pending_run(day, django_capture_on_commit_callbacks):
    """A run whose sends stay pending: nothing after commit runs (no worker, broker lost)."""
    with django_capture_on_commit_callbacks(execute=False):
        call_command(
            "run_daily_jobs", "--as-of", day.isoformat(), "--job", REMINDERS_JOB, stdout=StringIO()
        )


@pytest.mark.django_db
def test_a_second_run_queues_nothing_for_sends_still_pending(
    book, committed, sms_outbox, monkeypatch, django_capture_on_commit_callbacks
):
    # given: the 8th ran, but its email and SMS were never handed to a worker
    pending_run(date(2026, 3, 8), django_capture_on_commit_callbacks)
    assert Delivery.objects.filter(status="pending").count() == 2
    queued = []
    monkeypatch.setattr(
        "notifications.services.enqueue_deliveries", lambda ids, **kw: queued.extend(ids)
    )

    # when: the 8th runs again
    output = run(date(2026, 3, 8), committed)

    # then: nothing is queued again (the 5-minute sweep sends pending rows)
    assert "0 notifications, 0 emails/SMS queued" in output
    assert queued == []
    assert Delivery.objects.filter(status="pending").count() == 2


@pytest.mark.django_db
def test_a_due_escalation_is_sent_although_its_reminder_was_recorded_days_before(
    book, committed, sms_outbox
):
    # given: the overdue reminder of the 16th, a second run of the 16th, no run on 17th/18th
    run(date(2026, 3, 16), committed)
    run(date(2026, 3, 16), committed)
    assert not Notification.objects.filter(kind="escalation").exists()

    # when: the 19th runs: the lead's (1 day) and the risk officers' (3 days) waits are over
    output = run(date(2026, 3, 19), committed)

    # then: both escalations are sent, the recorded reminder is not sent again
    escalations = {row for row in sent(book) if row[0] == 19}
    assert escalations == {
        (19, "A2", "overdue+1:lead", "lead", "in_app", "sent"),
        (19, "A2", "overdue+1:risk", "risk", "in_app", "sent"),
    }
    assert "2 notifications, 0 emails/SMS queued" in output


@pytest.mark.django_db
def test_an_escalation_fires_on_the_day_its_wait_is_over_and_only_then(book, committed, sms_outbox):
    run(date(2026, 3, 16), committed)
    run(date(2026, 3, 17), committed)  # lead: 1 day
    run(date(2026, 3, 17), committed)
    run(date(2026, 3, 18), committed)
    run(date(2026, 3, 19), committed)  # risk officers: 3 days

    assert {(row[0], row[2]) for row in sent(book) if ":" in row[2]} == {
        (17, "overdue+1:lead"),
        (19, "overdue+1:risk"),
    }


@pytest.mark.django_db
def test_a_second_run_batch_takes_the_same_queries_for_2_or_20_installments(
    book, rm, approver, committed, sms_outbox, monkeypatch, django_assert_num_queries
):
    from notifications.reminders import reminders_batch, work_ids

    # given: a third loan; on 1 February 2027 every unpaid installment is overdue, and the
    # first runs recorded the reminders and their lead and risk escalations
    disburse(rm, approver, book["loan_a"].customer, disbursed_on=date(2026, 1, 20), term_months=12)
    first, later = date(2027, 2, 1), date(2027, 2, 4)
    run(first, committed)
    run(later, committed)
    ids = sorted(work_ids(as_of=later))
    assert len(ids) >= 20
    assert Notification.objects.filter(kind="escalation").count() >= 40

    def no_rendering(*args, **kwargs):
        raise AssertionError("a recorded message was rendered again")

    for name in ("render_in_app", "render_email", "render_sms", "_finance_contacts"):
        monkeypatch.setattr(f"notifications.reminders.{name}", no_rendering)

    # when/then: a second run's batch reads plain values only, as many queries for 20 as for 2
    counts = {}
    for size in (2, 20):
        with django_assert_num_queries(5):
            counts[size] = reminders_batch(ids=ids[:size], as_of=later)
    assert counts[20] == {
        "installments": 20,
        "reminders_due": 22,  # two loans' last installments are on the maturity ladder too
        "escalations_due": 40,
        "notifications": 0,
        "queued": 0,
    }
