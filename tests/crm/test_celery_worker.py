"""A Celery task really runs on a worker started by the suite, over the real Redis."""

import pytest

from crm import health
from crm.tasks import ping_task


@pytest.mark.worker
def test_a_task_runs_on_a_real_worker(celery_worker_queue):
    result = ping_task.apply_async(args=["hello from the suite"], queue=celery_worker_queue)

    assert result.get(timeout=30) == "hello from the suite"


@pytest.mark.worker
def test_healthz_sees_the_running_worker(celery_worker_queue, client):
    assert health.check_celery() == "ok"
    assert client.get("/healthz").json()["celery"] == "ok"
