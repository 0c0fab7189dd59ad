"""Celery tasks run inside an audit context, so their writes say which task made them."""

import pghistory
from celery.signals import task_postrun, task_prerun

_open_contexts: dict[str, pghistory.context] = {}


@task_prerun.connect(dispatch_uid="audit.task_prerun")
def _enter_task_context(task_id=None, task=None, **kwargs):
    context = pghistory.context(actor="system", task=getattr(task, "name", ""))
    context.__enter__()
    _open_contexts[task_id] = context


@task_postrun.connect(dispatch_uid="audit.task_postrun")
def _exit_task_context(task_id=None, **kwargs):
    context = _open_contexts.pop(task_id, None)
    if context is not None:
        context.__exit__(None, None, None)
