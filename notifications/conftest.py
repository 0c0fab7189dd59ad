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
