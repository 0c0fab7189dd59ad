"""Celery tasks run inside an audit context, so their writes say which task made them."""

from celery.signals import task_postrun, task_prerun

from .context import audit_context

_open_contexts: dict[str, object] = {}


@task_prerun.connect(dispatch_uid="audit.task_prerun")
def _enter_task_context(task_id=None, task=None, **kwargs):
    if task is None or getattr(task.request, "is_eager", False):
        return  # an eager task runs inside its caller's request or job: keep that context
    context = audit_context(actor="system", task=task.name)
    context.__enter__()
    _open_contexts[task_id] = context


@task_postrun.connect(dispatch_uid="audit.task_postrun")
def _exit_task_context(task_id=None, **kwargs):
    context = _open_contexts.pop(task_id, None)
    if context is not None:
        context.__exit__(None, None, None)
