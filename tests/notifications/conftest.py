"""Fixtures of the notifications tests: eager Celery and a test SMS gateway."""

import contextlib

import pytest

from notifications import sms


@pytest.fixture
def eager_celery():
    """Tasks run in-process when queued (the worker tests use real workers instead)."""
    from crm.celery import app

    previous = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture
def sms_outbox(settings):
    """The in-memory SMS gateway, emptied."""
    settings.SMS_BACKEND = "notifications.sms.MemorySmsBackend"
    sms.MemorySmsBackend.outbox.clear()
    yield sms.MemorySmsBackend.outbox
    sms.MemorySmsBackend.outbox.clear()


class FlakySmsBackend(sms.BaseSmsBackend):
    """Fails the first `failures` sends, then works (class-level counters: one per test)."""

    failures = 0
    calls: list[str] = []

    def send(self, *, to, text, reference):
        FlakySmsBackend.calls.append(reference)
        if len(FlakySmsBackend.calls) <= FlakySmsBackend.failures:
            raise sms.SmsDeliveryError("gateway timeout")
        return f"flaky-{reference}"


class RejectingSmsBackend(sms.BaseSmsBackend):
    def send(self, *, to, text, reference):
        raise sms.SmsRejected("number is on the operator's block list")


@pytest.fixture
def flaky_sms(settings):
    """`flaky_sms(n)`: an SMS gateway that fails n times, then succeeds."""
    settings.SMS_BACKEND = "tests.notifications.conftest.FlakySmsBackend"

    def configure(failures):
        FlakySmsBackend.failures = failures
        FlakySmsBackend.calls = []
        return FlakySmsBackend.calls

    return configure


@pytest.fixture
def committed(eager_celery, django_capture_on_commit_callbacks):
    """Run on-commit callbacks (queued tasks, eagerly) as if each service call had committed.

    Tests stay in one rolled-back transaction, so data migrations (industries, the default
    ladder) remain; `with committed():` around a call runs what it queued after commit.
    """

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@contextlib.contextmanager
def broker_at(url):
    """Point this process's Celery publisher at another broker for a while."""
    from crm.celery import app

    previous = app.conf.broker_url
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield app
    finally:
        app.conf.broker_url = previous
        app._pool = None
        app.amqp._producer_pool = None


def disburse(rm, approver, customer, *, disbursed_on, term_months):
    """A WCL loan through the real workflow (1,000,000.00 at 4.35 %, equal installments)."""
    from decimal import Decimal

    from loans import services as loan_services
    from loans.models import LoanProduct

    product = LoanProduct.objects.get(code="WCL")
    application = loan_services.application_create(
        user=rm,
        customer=customer,
        product=product,
        materials=product.materials_required_for("credit"),
        amount=Decimal("1000000.00"),
        term_months=term_months,
        annual_rate=Decimal("4.3500"),
        repayment_method="equal_installment",
        purpose="Working capital",
        guarantee_method="credit",
    )
    application = loan_services.application_submit(application=application, user=rm)
    application = loan_services.application_approve(application=application, user=approver)
    loan_services.application_sign_contract(application=application, user=rm)
    return loan_services.application_disburse(
        application=application, user=rm, disbursed_on=disbursed_on
    )


@pytest.fixture
def loan(rm, approver):
    """A 12-month loan of a customer of `rm`, disbursed on 15 January 2026."""
    from datetime import date

    from tests.factories import CustomerFactory

    customer = CustomerFactory(relationship_manager=rm)
    return disburse(rm, approver, customer, disbursed_on=date(2026, 1, 15), term_months=12)
