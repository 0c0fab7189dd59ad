"""Daily jobs in batches: inline from the command, on workers from beat, each batch once."""

from datetime import date
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from crm import jobs
from crm.models import JobRun
from interactions.services import task_create
from notifications import batches
from notifications.choices import BatchStatus
from notifications.jobs import TASK_DUE_JOB
from notifications.models import Delivery, JobBatch, Notification
from notifications.tasks import run_scheduled_jobs_task
from tests.factories import CustomerFactory

DAY = date(2026, 3, 16)


@pytest.fixture
def due_tasks(rm, rm_same_team):
    customer = CustomerFactory(relationship_manager=rm, name="Dongfang Textiles Co., Ltd.")
    tasks = [
        task_create(owner=rm, title="Call the CFO", due_date=DAY, customer=customer),
        task_create(owner=rm, title="Collect Q4 statements", due_date=DAY),
        task_create(owner=rm_same_team, title="Site visit", due_date=DAY),
    ]
    task_create(owner=rm, title="Next week", due_date=date(2026, 3, 23))
    done = task_create(owner=rm, title="Already done", due_date=DAY)
    done.status, done.completed_at = "done", "2026-03-15T10:00:00+08:00"
    done.save()
    return tasks


def run_task_due(as_of=DAY):
    out = StringIO()
    call_command("run_daily_jobs", "--as-of", as_of.isoformat(), "--job", TASK_DUE_JOB, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_command_notifies_each_owner_of_tasks_due_that_day(due_tasks, rm, committed, settings):
    settings.NOTIFICATIONS_BATCH_SIZE = 2

    with committed():
        output = run_task_due()

    assert output.startswith(
        "notifications.task_due [2026-03-16]: 3 tasks due by 2026-03-16: 3 notifications, "
        "3 emails queued"
    )
    assert sorted(Notification.objects.values_list("recipient__username", "message")) == [
        ("rm_a1", 'Your follow-up "Call the CFO" is due on 2026-03-16.'),
        ("rm_a1", 'Your follow-up "Collect Q4 statements" is due on 2026-03-16.'),
        ("rm_a2", 'Your follow-up "Site visit" is due on 2026-03-16.'),
    ]
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("rm_a1@bank.example", "Task due 2026-03-16: Call the CFO"),
        ("rm_a1@bank.example", "Task due 2026-03-16: Collect Q4 statements"),
        ("rm_a2@bank.example", "Task due 2026-03-16: Site visit"),
    ]
    cfo = next(m for m in mail.outbox if "CFO" in m.subject)
    assert "for Dongfang Textiles Co., Ltd. is due on 2026-03-16" in cfo.body
    run = JobRun.objects.get()
    assert run.counts == {"ids": 3, "batches": 2, "tasks": 3, "notifications": 3, "queued": 3}
    assert JobBatch.objects.count() == 0  # inline: no batch rows


@pytest.mark.django_db
def test_running_the_job_twice_for_a_date_changes_nothing_the_second_time(due_tasks, committed):
    with committed():
        run_task_due()
    with committed():
        output = run_task_due()

    assert "0 notifications, 0 emails queued" in output
    assert Notification.objects.count() == 3
    assert Delivery.objects.count() == 6
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_a_task_moved_to_a_later_date_is_announced_again_then(due_tasks, committed):
    with committed():
        run_task_due()
    task = due_tasks[0]
    task.due_date = date(2026, 3, 20)
    task.save()

    with committed():
        run_task_due(date(2026, 3, 20))

    assert Notification.objects.filter(message__contains="Call the CFO").count() == 2


@pytest.mark.django_db
def test_from_beat_the_job_hands_batches_to_workers_that_do_each_once(
    due_tasks, committed, settings
):
    settings.NOTIFICATIONS_BATCH_SIZE = 2

    with committed():
        summaries = run_scheduled_jobs_task.apply(args=[[TASK_DUE_JOB], DAY.isoformat()]).get()

    assert summaries == ["3 tasks due by 2026-03-16 in 2 batches"]
    run = JobRun.objects.get()
    assert (run.triggered_by, run.counts) == ("beat", {"ids": 3, "batches": 2, "dispatched": 2})
    batch_rows = list(JobBatch.objects.order_by("number").values_list("number", "status", "counts"))
    assert batch_rows == [
        (1, "done", {"tasks": 2, "notifications": 2, "queued": 2}),
        (2, "done", {"tasks": 1, "notifications": 1, "queued": 1}),
    ]
    assert JobBatch.objects.get(number=1).ids == sorted(t.pk for t in due_tasks)[:2]
    assert Notification.objects.count() == 3
    assert len(mail.outbox) == 3

    # A redelivered batch task finds its batch done and changes nothing.
    with committed():
        batches.batch_run(batch_id=JobBatch.objects.get(number=1).pk)
    assert Notification.objects.count() == 3
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_a_batch_whose_worker_died_is_done_in_full_by_the_redelivered_task(
    due_tasks, rm, committed, settings
):
    settings.NOTIFICATIONS_DISPATCH = "always"
    run = JobRun.objects.create(job=TASK_DUE_JOB, as_of=DAY, triggered_by="beat")
    with committed():
        batches.run_in_batches(job=TASK_DUE_JOB, as_of=DAY, ids=[t.pk for t in due_tasks])
    batch = JobBatch.objects.get(job_run=run)
    # given: the batch is pending again, and some of its rows were never written (rolled back)
    JobBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.PENDING, finished_at=None)
    Notification.objects.filter(recipient=rm).delete()
    Delivery.objects.filter(recipient=f"user:{rm.pk}").delete()
    sent_before = len(mail.outbox)

    with committed():
        batches.batch_run(batch_id=batch.pk)

    assert Notification.objects.count() == 3
    assert Delivery.objects.count() == 6
    assert len(mail.outbox) == sent_before + 2  # only what had been lost


@pytest.mark.django_db
def test_stuck_batches_are_queued_again_by_the_sweep(due_tasks, committed, settings):
    settings.NOTIFICATIONS_DISPATCH = "always"
    JobRun.objects.create(job=TASK_DUE_JOB, as_of=DAY, triggered_by="beat")
    # Queuing fails (as with Redis down): the batch row stays pending.
    batches.run_in_batches(job=TASK_DUE_JOB, as_of=DAY, ids=[t.pk for t in due_tasks])

    with committed():
        requeued = batches.batches_sweep(older_than_seconds=0)

    assert requeued == 1
    assert JobBatch.objects.get().status == BatchStatus.DONE
    assert Notification.objects.count() == 3


@pytest.mark.django_db
def test_scheduled_selectors_skip_jobs_that_are_not_installed(db):
    assert run_scheduled_jobs_task.apply(args=[["nobody.*"], "2026-03-16"]).get() == []
    assert JobRun.objects.count() == 0


def test_every_daily_job_has_its_own_beat_entry_at_the_banks_local_time():
    schedule = settings.CELERY_BEAT_SCHEDULE
    times = {
        entry["args"][0][0]: (entry["schedule"].hour, entry["schedule"].minute)
        for entry in schedule.values()
        if entry["task"] == "notifications.run_scheduled_jobs"
    }

    assert times == {
        "loans.dpd_classification": ({1}, {0}),
        "risk.*": ({2}, {0}),
        "customers.*": ({3}, {0}),
        "crm.access_log_purge": ({4}, {0}),
        "privacy.retention_flags": ({4}, {15}),
        "interactions.sla_check": ({6}, {0}),
        "interactions.cadence": ({6}, {15}),
        "interactions.care": ({6}, {30}),
        "notifications.task_due": ({7}, {30}),
        "notifications.repayment_reminders": ({8}, {0}),
    }
    assert "daily-jobs" not in schedule
    assert schedule["notifications-deliver-pending"]["task"] == "notifications.deliver_pending"
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"


def test_every_registered_daily_job_is_on_the_beat_schedule():
    selectors = [
        entry["args"][0][0]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "notifications.run_scheduled_jobs"
    ]
    import fnmatch

    unscheduled = [
        job.name
        for job in jobs.registered_jobs()
        if not any(fnmatch.fnmatchcase(job.name, selector) for selector in selectors)
    ]

    assert unscheduled == []


@pytest.mark.django_db
def test_the_beat_schedule_is_editable_in_the_admin(web_for, admin_user):
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import ModelEntry

    from crm.celery import app

    # What beat's database scheduler does at start-up with the declared schedule.
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        ModelEntry.from_entry(name, app=app, **entry)

    task = PeriodicTask.objects.get(name="daily-notifications-repayment_reminders")
    assert (task.crontab.hour, task.crontab.minute) == ("8", "0")
    assert str(task.crontab.timezone) == "Asia/Shanghai"
    page = web_for(admin_user).get("/admin/django_celery_beat/periodictask/").content.decode()
    assert "daily-notifications-repayment_reminders" in page


@pytest.mark.django_db
def test_tasks_due_on_days_without_a_run_are_announced_by_the_next_run(due_tasks, committed):
    # No run on the 16th (Redis down); the run of the 18th catches up, once.
    with committed():
        output = run_task_due(date(2026, 3, 18))
    with committed():
        run_task_due(date(2026, 3, 19))

    assert "3 tasks due by 2026-03-18: 3 notifications" in output
    assert Notification.objects.count() == 3
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_tasks_older_than_the_catch_up_window_are_left_alone(due_tasks, committed, settings):
    settings.NOTIFICATIONS_TASK_DUE_CATCH_UP_DAYS = 1

    with committed():
        run_task_due(date(2026, 3, 18))

    assert Notification.objects.count() == 0


@pytest.mark.django_db
def test_a_second_run_renders_no_notice_again(due_tasks, committed, monkeypatch):
    with committed():
        run_task_due()

    def no_rendering(*args, **kwargs):
        raise AssertionError("a recorded notice was rendered again")

    monkeypatch.setattr("notifications.jobs.render_in_app", no_rendering)
    monkeypatch.setattr("notifications.jobs.render_email", no_rendering)
    with committed():
        output = run_task_due()

    assert "0 notifications, 0 emails queued" in output
    assert Delivery.objects.count() == 6


@pytest.mark.django_db
def test_a_second_run_loads_no_announced_task_and_queues_nothing(
    due_tasks, monkeypatch, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from notifications.jobs import task_due_batch

    # given: the day ran, but its emails were never handed to a worker
    with django_capture_on_commit_callbacks(execute=False):
        run_task_due()
    assert Delivery.objects.filter(status="pending").count() == 3
    queued = []
    monkeypatch.setattr(
        "notifications.services.enqueue_deliveries", lambda ids, **kw: queued.extend(ids)
    )
    monkeypatch.setattr("notifications.jobs._task_url", None)  # a loaded task would need it

    # when: a batch of the day runs again: two queries (due tasks, recorded notices)
    ids = [task.pk for task in due_tasks]
    with django_capture_on_commit_callbacks(execute=True), django_assert_num_queries(2):
        counts = task_due_batch(ids=ids, as_of=DAY)

    # then: nothing loaded, recorded or queued again (the sweep sends the pending emails)
    assert counts == {"tasks": 3, "notifications": 0, "queued": 0}
    assert queued == []
    with django_capture_on_commit_callbacks(execute=True):
        output = run_task_due()
    assert "3 tasks due by 2026-03-16: 0 notifications, 0 emails queued" in output
    assert queued == []
