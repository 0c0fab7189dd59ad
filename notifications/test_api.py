"""`/api/v1/notifications/`: the caller's own, newest first, filters, mark read, acknowledge."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification
from tests.factories import CustomerFactory

URL = "/api/v1/notifications/"


def make(user, kind="repayment_reminder", *, minutes_ago=0, **fields):
    return Notification.objects.create(
        recipient=user,
        kind=kind,
        message=fields.pop("message", f"{kind} for {user.username}"),
        created_at=timezone.now() - timedelta(minutes=minutes_ago),
        **fields,
    )


@pytest.mark.django_db
def test_anonymous_callers_get_401(client):
    assert client.get(URL).status_code == 401


@pytest.mark.django_db
def test_the_list_is_the_callers_own_newest_first_with_the_contract_fields(
    api_for, rm, rm_same_team, lead
):
    customer = CustomerFactory(relationship_manager=rm)
    older = make(
        rm, "repayment_reminder", minutes_ago=10, customer=customer, loan=7, installment=70
    )
    newer = make(rm, "repayment_overdue", minutes_ago=1, customer=customer, loan=7, installment=71)
    make(rm_same_team)
    make(lead, "escalation")

    response = api_for(rm).get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [row["id"] for row in body["results"]] == [newer.pk, older.pk]
    assert body["results"][1] == {
        "id": older.pk,
        "kind": "repayment_reminder",
        "message": "repayment_reminder for rm_a1",
        "customer": customer.pk,
        "loan": 7,
        "installment": 70,
        "alert": None,
        "url": "",
        "created_at": timezone.localtime(older.created_at).isoformat(),
        "read": False,
        "read_at": None,
        "acknowledged_at": None,
    }


@pytest.mark.django_db
def test_a_team_lead_does_not_see_the_teams_notifications(api_for, rm, lead):
    make(rm)

    assert api_for(lead).get(URL).json()["count"] == 0


@pytest.mark.django_db
def test_filters_kind_loan_and_read(api_for, rm):
    reminder = make(rm, "repayment_reminder", loan=1)
    overdue = make(rm, "repayment_overdue", loan=2, read_at=timezone.now())
    task = make(rm, "task_due")
    client = api_for(rm)

    def ids(query):
        return {row["id"] for row in client.get(URL + query).json()["results"]}

    assert ids("?kind=repayment_overdue") == {overdue.pk}
    assert ids("?loan=1") == {reminder.pk}
    assert ids("?read=false") == {reminder.pk, task.pk}
    assert ids("?read=true") == {overdue.pk}
    assert ids("?kind=task_due&read=false") == {task.pk}


@pytest.mark.django_db
def test_a_bad_filter_value_is_a_400_with_the_field(api_for, rm):
    response = api_for(rm).get(URL + "?kind=nonsense")

    assert response.status_code == 400
    assert list(response.json()) == ["kind"]


@pytest.mark.django_db
def test_someone_elses_notification_is_404_and_stays_unread(api_for, rm, rm_same_team):
    theirs = make(rm_same_team)
    client = api_for(rm)

    assert client.get(f"{URL}{theirs.pk}/").status_code == 404
    assert client.post(f"{URL}{theirs.pk}/mark-read/").status_code == 404
    assert client.post(f"{URL}{theirs.pk}/acknowledge/").status_code == 404
    theirs.refresh_from_db()
    assert (theirs.read_at, theirs.acknowledged_at) == (None, None)


@pytest.mark.django_db
def test_mark_read_marks_one(api_for, rm):
    mine = make(rm)
    other = make(rm)

    response = api_for(rm).post(f"{URL}{mine.pk}/mark-read/")

    assert response.status_code == 200
    assert response.json()["read"] is True
    assert Notification.objects.filter(read_at__isnull=False).get() == mine
    other.refresh_from_db()
    assert other.read_at is None


@pytest.mark.django_db
def test_mark_all_read_marks_only_the_callers(api_for, rm, rm_same_team):
    make(rm)
    make(rm)
    theirs = make(rm_same_team)
    client = api_for(rm)

    response = client.post(f"{URL}mark-all-read/")

    assert response.json() == {"marked": 2}
    assert client.get(f"{URL}unread-count/").json() == {"unread": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.django_db
def test_acknowledging_an_overdue_reminder_reads_it_and_stops_escalation(api_for, rm):
    overdue = make(rm, "repayment_overdue")

    response = api_for(rm).post(f"{URL}{overdue.pk}/acknowledge/")

    assert response.status_code == 200
    overdue.refresh_from_db()
    assert overdue.acknowledged_at is not None
    assert overdue.read_at is not None


@pytest.mark.django_db
def test_only_overdue_reminders_are_acknowledged(api_for, rm):
    reminder = make(rm, "repayment_reminder")

    response = api_for(rm).post(f"{URL}{reminder.pk}/acknowledge/")

    assert response.status_code == 400
    assert response.json() == {"kind": ["Only overdue-repayment reminders are acknowledged."]}
    reminder.refresh_from_db()
    assert (reminder.read_at, reminder.acknowledged_at) == (None, None)


@pytest.mark.django_db
def test_the_list_takes_the_same_queries_for_any_number_of_rows(
    api_for, rm, django_assert_num_queries
):
    customer = CustomerFactory(relationship_manager=rm)
    client = api_for(rm)
    make(rm, customer=customer)
    # count and page (authentication is forced in tests)
    with django_assert_num_queries(2):
        client.get(URL)
    for _ in range(30):
        make(rm, customer=customer)
    with django_assert_num_queries(2):
        assert client.get(URL).json()["count"] == 31


@pytest.mark.django_db
def test_the_schema_describes_the_notification_endpoints(api_for, admin_user):
    schema = api_for(admin_user).get("/api/v1/schema/?format=json").json()

    assert {
        "/api/v1/notifications/",
        "/api/v1/notifications/{id}/",
        "/api/v1/notifications/{id}/mark-read/",
        "/api/v1/notifications/{id}/acknowledge/",
        "/api/v1/notifications/mark-all-read/",
        "/api/v1/notifications/unread-count/",
    } <= set(schema["paths"])
