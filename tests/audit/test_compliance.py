"""`/compliance/access-log/`: the compliance search of the access log, its CSV and who may."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from crm.models import AccessLog
from crm.roles import EXTRA_GROUP_PERMISSIONS
from tests.factories import CustomerFactory, make_user

URL = "/compliance/access-log/"
EXPORT_URL = "/compliance/access-log/export/"


@pytest.fixture
def auditor(db):
    user = make_user(None, username="auditor_c")
    user.groups.add(Group.objects.get(name="compliance"))
    return user


@pytest.fixture
def log(rm, lead):
    alpha = CustomerFactory(relationship_manager=rm, name="Alpha Steel Co")
    beta = CustomerFactory(relationship_manager=rm, name="Beta Foods Co")
    now = timezone.now()

    def entry(**fields):
        defaults = {"user": rm, "action": "view", "category": "basic", "ip": "10.1.0.5"}
        return AccessLog.objects.create(**{**defaults, **fields})

    return {
        "alpha": alpha,
        "beta": beta,
        "view_alpha": entry(customer=alpha, customer_ids=[alpha.pk], at=now - timedelta(days=1)),
        "list": entry(customer_ids=[alpha.pk, beta.pk], at=now - timedelta(days=2)),
        "export_lead": entry(
            user=lead, action="export", customer_ids=[beta.pk], ip="10.2.0.9", at=now
        ),
        "statement": entry(
            customer=beta, customer_ids=[beta.pk], category="risk", at=now - timedelta(days=40)
        ),
    }


def test_compliance_group_holds_only_the_access_log_and_anonymisation_permissions():
    assert EXTRA_GROUP_PERMISSIONS == {
        "compliance": ("crm.view_accesslog", "customers.anonymise_customer")
    }


@pytest.mark.django_db
def test_the_compliance_group_is_created_by_migrate_with_its_permission():
    group = Group.objects.get(name="compliance")
    assert [f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()] == [
        "crm.view_accesslog",
        "customers.anonymise_customer",
    ]


@pytest.mark.django_db
def test_roles_without_the_permission_get_403(web_for, rm, lead, risk_officer, approver, log):
    for user in (rm, lead, risk_officer, approver):
        client = web_for(user)
        assert client.get(URL).status_code == 403
        assert client.get(EXPORT_URL).status_code == 403
    assert (
        not AccessLog.objects.filter(action="export", user__in=[rm, lead])
        .exclude(pk=log["export_lead"].pk)
        .exists()
    )


@pytest.mark.django_db
def test_compliance_and_superusers_search(web_for, auditor, admin_user, log):
    for user in (auditor, admin_user):
        response = web_for(user).get(URL)
        assert response.status_code == 200
        # The four entries, and the logins of the test client.
        rows = response.content.decode().count('data-testid="access-log-row"')
        assert rows == AccessLog.objects.count() >= 5


@pytest.mark.django_db
def test_compliance_link_in_the_navigation_only_for_compliance(web_for, auditor, rm):
    assert 'href="/compliance/access-log/"' in web_for(auditor).get("/").content.decode()
    assert 'href="/compliance/access-log/"' not in web_for(rm).get("/").content.decode()


def _rows(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return list(response.context["page"].object_list)


@pytest.mark.django_db
def test_filters(web_for, auditor, rm, lead, log):
    client = web_for(auditor)
    assert _rows(client, user=lead.username) == [log["export_lead"]]
    # A customer matches its own entries and the list reads it was part of.
    assert _rows(client, customer="alpha steel") == [log["view_alpha"], log["list"]]
    assert _rows(client, customer=log["beta"].uscc) == [
        log["export_lead"],
        log["list"],
        log["statement"],
    ]
    assert _rows(client, action="export") == [log["export_lead"]]
    assert _rows(client, category="risk") == [log["statement"]]
    today = timezone.localdate()
    assert _rows(client, category="basic", date_from=(today - timedelta(days=3)).isoformat()) == [
        log["export_lead"],
        log["view_alpha"],
        log["list"],
    ]
    assert _rows(client, date_to=(today - timedelta(days=30)).isoformat()) == [log["statement"]]
    assert _rows(client, ip="10.2.0.9") == [log["export_lead"]]
    assert _rows(client, ip="10.1.") == [log["view_alpha"], log["list"], log["statement"]]


@pytest.mark.django_db
def test_invalid_filters_are_form_errors_not_500(web_for, auditor, log):
    response = web_for(auditor).get(URL, {"date_from": "not-a-date", "action": "nope"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert web_for(auditor).get(EXPORT_URL, {"date_from": "x"}).status_code == 400


@pytest.mark.django_db
def test_pagination(web_for, auditor, rm):
    AccessLog.objects.bulk_create(
        [AccessLog(user=rm, action="view", category="basic") for _ in range(51)]
    )
    client = web_for(auditor)
    assert len(_rows(client, action="view")) == 50
    assert len(_rows(client, action="view", page=2)) == 1


@pytest.mark.django_db
def test_csv_export_is_filtered_safe_and_itself_logged(web_for, auditor, rm, log):
    AccessLog.objects.create(action="login_failed", detail="username: =HYPERLINK(1)")
    response = web_for(auditor).get(EXPORT_URL, {"action": "login_failed"}, REMOTE_ADDR="10.9.9.9")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "at",
        "user",
        "ip",
        "action",
        "category",
        "customer",
        "customer_ids",
        "detail",
    ]
    assert len(rows) == 2
    assert rows[1][3] == "login_failed"
    assert rows[1][7] == "'username: =HYPERLINK(1)" or rows[1][7] == "username: =HYPERLINK(1)"
    logged = AccessLog.objects.get(action="export", user=auditor)
    assert logged.ip == "10.9.9.9"
    assert logged.detail == "access log export: 1 entries; filters: action=login_failed"


@pytest.mark.django_db
def test_csv_export_of_customer_rows(web_for, auditor, log):
    response = web_for(auditor).get(EXPORT_URL, {"category": "risk"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r[1], r[5], r[6]) for r in rows[1:]] == [
        (log["statement"].user.username, log["beta"].uscc, str(log["beta"].pk))
    ]
