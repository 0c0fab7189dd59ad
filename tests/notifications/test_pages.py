"""The notification centre, the bell in the navigation, the ops page and the admin."""

from datetime import date

import pytest
from django.utils import timezone

from crm.models import JobRun
from notifications.models import JobBatch, Notification
from tests.factories import CustomerFactory


def make(user, kind="repayment_reminder", **fields):
    return Notification.objects.create(
        recipient=user, kind=kind, message=fields.pop("message", f"{kind} note"), **fields
    )


@pytest.mark.django_db
def test_every_page_has_the_bell_which_loads_its_badge_after_the_page(web_for, rm):
    make(rm)

    page = web_for(rm).get("/").content.decode()

    assert 'data-testid="notification-bell"' in page
    assert 'hx-get="/notifications/bell/" hx-trigger="load, every 60s"' in page
    # The page itself pays no query for the count.
    assert "notification-unread" not in page


@pytest.mark.django_db
def test_the_bell_shows_the_unread_count(web_for, rm, rm_same_team):
    make(rm)
    make(rm)
    make(rm, read_at=timezone.now())
    make(rm_same_team)

    bell = web_for(rm).get("/notifications/bell/").content.decode()

    assert 'data-testid="notification-unread">2</span>' in bell
    assert 'aria-label="Notifications: 2 unread"' in bell
    assert 'hx-trigger="every 60s"' in bell


@pytest.mark.django_db
def test_the_bell_has_no_badge_when_all_is_read(web_for, rm):
    make(rm, read_at=timezone.now())

    page = web_for(rm).get("/notifications/bell/").content.decode()

    assert 'data-testid="notification-bell"' in page
    assert "notification-unread" not in page


@pytest.mark.django_db
def test_the_bell_needs_a_login(client):
    assert client.get("/notifications/bell/").status_code == 302


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/notifications/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_the_centre_lists_the_callers_notifications_newest_first(web_for, rm, rm_same_team):
    customer = CustomerFactory(relationship_manager=rm, name="Huaxin Machinery Co., Ltd.")
    make(rm, message="First reminder", customer=customer)
    make(rm, "repayment_overdue", message="Second, overdue")
    make(rm_same_team, message="Not yours")

    page = web_for(rm).get("/notifications/").content.decode()

    assert page.count('data-testid="notification-row"') == 2
    assert page.index("Second, overdue") < page.index("First reminder")
    assert "Huaxin Machinery Co., Ltd." in page
    assert "Not yours" not in page
    assert "Acknowledge" in page


@pytest.mark.django_db
def test_the_centre_filters_and_sorts(web_for, rm):
    make(rm, message="Older unread")
    make(rm, "task_due", message="Newer read", read_at=timezone.now())
    client = web_for(rm)

    unread = client.get("/notifications/?read=false").content.decode()
    oldest_first = client.get("/notifications/?sort=created_at").content.decode()
    tasks = client.get("/notifications/?kind=task_due").content.decode()

    assert "Older unread" in unread
    assert "Newer read" not in unread
    assert oldest_first.index("Older unread") < oldest_first.index("Newer read")
    assert "Newer read" in tasks
    assert "Older unread" not in tasks


@pytest.mark.django_db
def test_an_empty_centre_says_so(web_for, rm):
    page = web_for(rm).get("/notifications/").content.decode()

    assert 'data-testid="empty-state"' in page
    assert "No notifications." in page


@pytest.mark.django_db
def test_the_centre_paginates(web_for, rm):
    for number in range(30):
        make(rm, message=f"note {number}")

    first = web_for(rm).get("/notifications/").content.decode()
    second = web_for(rm).get("/notifications/?page=2").content.decode()

    assert first.count('data-testid="notification-row"') == 25
    assert second.count('data-testid="notification-row"') == 5
    assert "Page 2 of 2" in second


@pytest.mark.django_db
def test_the_centre_takes_the_same_queries_for_any_number_of_rows(
    web_for, rm, django_assert_num_queries
):
    customer = CustomerFactory(relationship_manager=rm)
    client = web_for(rm)
    make(rm, customer=customer)
    # session, user, roles (the menu's Compliance item), count, page
    with django_assert_num_queries(5):
        client.get("/notifications/")
    for _ in range(20):
        make(rm, customer=customer)
    with django_assert_num_queries(5):
        client.get("/notifications/")


@pytest.mark.django_db
def test_mark_read_with_htmx_returns_the_row(web_for, rm):
    note = make(rm, message="Read me")

    response = web_for(rm).post(f"/notifications/{note.pk}/read/", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert 'data-testid="notification-row"' in response.content.decode()
    note.refresh_from_db()
    assert note.read_at is not None


@pytest.mark.django_db
def test_acknowledge_without_javascript_redirects_back(web_for, rm):
    note = make(rm, "repayment_overdue")

    response = web_for(rm).post(
        f"/notifications/{note.pk}/acknowledge/", {"next": "/notifications/?read=false"}
    )

    assert response.status_code == 302
    assert response["Location"] == "/notifications/?read=false"
    note.refresh_from_db()
    assert note.acknowledged_at is not None


@pytest.mark.django_db
def test_acknowledging_a_plain_reminder_is_refused_with_a_message(web_for, rm):
    note = make(rm, "repayment_reminder")

    response = web_for(rm).post(f"/notifications/{note.pk}/acknowledge/", follow=True)

    assert "Only overdue-repayment reminders are acknowledged." in response.content.decode()
    note.refresh_from_db()
    assert note.acknowledged_at is None


@pytest.mark.django_db
def test_an_off_site_next_is_ignored(web_for, rm):
    response = web_for(rm).post("/notifications/read-all/", {"next": "//evil.example/"})

    assert response["Location"] == "/notifications/"


@pytest.mark.django_db
def test_someone_elses_notification_cannot_be_marked(web_for, rm, rm_same_team):
    theirs = make(rm_same_team)
    client = web_for(rm)

    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert client.post(f"/notifications/{theirs.pk}/acknowledge/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_mark_all_read(web_for, rm, rm_same_team):
    make(rm)
    make(rm)
    theirs = make(rm_same_team)

    response = web_for(rm).post("/notifications/read-all/", follow=True)

    assert "2 notifications marked read." in response.content.decode()
    assert Notification.objects.filter(recipient=rm, read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_get_is_not_allowed_on_the_actions(web_for, rm):
    note = make(rm)

    assert web_for(rm).get(f"/notifications/{note.pk}/read/").status_code == 405


@pytest.fixture
def job_runs(db):
    started = timezone.now()
    run = JobRun.objects.create(
        job="notifications.task_due",
        as_of=date(2026, 3, 16),
        triggered_by="beat",
        status=JobRun.Status.SUCCEEDED,
        started_at=started,
        finished_at=started,
        summary="12 tasks due by 2026-03-16 in 2 batches",
    )
    JobBatch.objects.create(
        job_run=run,
        job=run.job,
        as_of=run.as_of,
        number=1,
        ids=[1],
        status="done",
        finished_at=started,
    )
    JobBatch.objects.create(job_run=run, job=run.job, as_of=run.as_of, number=2, ids=[2])
    JobRun.objects.create(
        job="loans.dpd_classification",
        as_of=date(2026, 3, 16),
        status=JobRun.Status.FAILED,
        error="Traceback: boom",
        started_at=started,
        finished_at=started,
    )
    return run


@pytest.mark.django_db
def test_the_ops_page_lists_job_runs_with_batch_progress_for_staff(web_for, admin_user, job_runs):
    page = web_for(admin_user).get("/notifications/ops/").content.decode()

    assert page.count('data-testid="job-run-row"') == 2
    assert "12 tasks due by 2026-03-16 in 2 batches" in page
    assert "1 / 2" in page
    assert "Traceback: boom" in page


@pytest.mark.django_db
def test_the_ops_page_filters_by_job(web_for, admin_user, job_runs):
    page = web_for(admin_user).get("/notifications/ops/?job=loans.dpd_classification")

    assert page.content.decode().count('data-testid="job-run-row"') == 1


@pytest.mark.django_db
def test_the_ops_page_is_for_staff_only(web_for, rm, job_runs):
    assert web_for(rm).get("/notifications/ops/").status_code == 403


@pytest.mark.django_db
def test_the_ops_page_takes_the_same_queries_for_any_number_of_runs(
    web_for, admin_user, job_runs, django_assert_num_queries
):
    client = web_for(admin_user)
    # session, user, count, runs with batch progress
    with django_assert_num_queries(4):
        client.get("/notifications/ops/")
    for _ in range(10):
        JobRun.objects.create(job="x", as_of=date(2026, 3, 1))
    with django_assert_num_queries(4):
        client.get("/notifications/ops/")


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["notification", "delivery", "reminderrung", "jobbatch"])
def test_the_admin_lists_and_searches_every_model(web_for, admin_user, job_runs, model):
    make(admin_user)

    client = web_for(admin_user)

    assert client.get(f"/admin/notifications/{model}/").status_code == 200
    assert client.get(f"/admin/notifications/{model}/?q=x").status_code == 200


@pytest.mark.django_db
def test_the_default_ladder_is_in_the_admin(web_for, admin_user):
    page = web_for(admin_user).get("/admin/notifications/reminderrung/").content.decode()

    for code in ("pre-due-7", "pre-due-1", "overdue", "pre-maturity-30"):
        assert code in page
