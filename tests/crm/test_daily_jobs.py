"""`run_daily_jobs`: jobs run in order for a date and each run is recorded."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from crm import jobs
from crm.models import JobRun


@pytest.fixture
def isolated_registry(monkeypatch):
    registry = {}
    monkeypatch.setattr(jobs, "_REGISTRY", registry)
    return registry


@pytest.mark.django_db
def test_jobs_run_in_order_for_the_given_date_and_are_recorded(isolated_registry):
    calls = []

    @jobs.daily_job("second", order=20)
    def second(*, as_of):
        calls.append(("second", as_of))
        return jobs.JobResult("2 done", {"done": 2})

    @jobs.daily_job("first", order=10)
    def first(*, as_of):
        calls.append(("first", as_of))
        return jobs.JobResult("1 done", {"done": 1})

    out = StringIO()
    call_command("run_daily_jobs", "--as-of", "2026-03-31", stdout=out)

    assert calls == [("first", date(2026, 3, 31)), ("second", date(2026, 3, 31))]
    assert out.getvalue().splitlines()[0].startswith("first [2026-03-31]: 1 done")
    runs = list(JobRun.objects.order_by("started_at").values_list("job", "status", "counts"))
    assert runs == [("first", "succeeded", {"done": 1}), ("second", "succeeded", {"done": 2})]


@pytest.mark.django_db
def test_a_failing_job_is_recorded_as_failed(isolated_registry):
    @jobs.daily_job("broken", order=1)
    def broken(*, as_of):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        call_command("run_daily_jobs", "--as-of", "2026-01-01", stdout=StringIO())

    run = JobRun.objects.get()
    assert run.status == JobRun.Status.FAILED
    assert "boom" in run.error
    assert run.finished_at is not None


@pytest.mark.django_db
def test_a_bad_date_is_a_clear_error(isolated_registry):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("run_daily_jobs", "--as-of", "31/03/2026")


@pytest.mark.django_db
def test_an_unknown_job_name_is_a_clear_error(isolated_registry):
    with pytest.raises(CommandError, match="Unknown daily job 'nope'"):
        call_command("run_daily_jobs", "--job", "nope")
