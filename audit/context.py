"""Audit contexts: who or what made the writes of a unit of work (a request, a job, a task)."""

import uuid
from contextlib import contextmanager

import pghistory
from pghistory import runtime


@contextmanager
def audit_context(**metadata):
    """Attribute every write inside to `metadata`, in a context of its own.

    `pghistory.context()` entered inside another one only adds keys to the outer context, and
    since the context row is shared, two daily jobs run by one Celery task would both end up
    labelled with the last job's name. Here an inner unit of work gets a fresh context id (the
    outer's keys plus its own), and the outer one is restored afterwards. Relies on
    `pghistory.runtime`'s thread-local tracker (pinned django-pghistory 3.9).
    """
    outer = getattr(runtime._tracker, "value", None)
    if outer is None:
        with pghistory.context(**metadata):
            yield
        return
    runtime._tracker.value = runtime.Context(
        id=uuid.uuid4(), metadata={**outer.metadata, **metadata}
    )
    try:
        yield
    finally:
        runtime._tracker.value = outer
