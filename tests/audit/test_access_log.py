"""The data-access log: page views, API reads, logins, role changes, IPs, append-only."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.utils import InternalError
from django.test import RequestFactory
from django.utils import timezone

from crm.models import AccessLog
from crm.roles import Role
from crm.services import access_log_record, access_log_record_share, client_ip
from tests.factories import ContactFactory, CustomerFactory, FinancialStatementFactory


def _entries(**filters):
    """Entries of the test, without the role grants of the user fixtures."""
    queryset = AccessLog.objects.filter(**filters)
    if "action" not in filters:
        queryset = queryset.exclude(action=AccessLog.Action.PERMISSION_CHANGE)
    return list(queryset.order_by("id"))


@pytest.mark.django_db
def test_customer_page_view_is_logged_with_user_ip_and_customer(web_for, rm):
    customer = CustomerFactory(relationship_manager=rm)
    response = web_for(rm).get(f"/customers/{customer.pk}/", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    [entry] = _entries(action=AccessLog.Action.VIEW)
    assert (entry.user, entry.customer, entry.ip, entry.category) == (
        rm,
        customer,
        "10.1.2.3",
        AccessLog.Category.BASIC,
    )
    assert entry.customer_ids == [customer.pk]


@pytest.mark.django_db
def test_out_of_scope_page_is_404_and_logs_nothing(web_for, rm, rm_other_team):
    customer = CustomerFactory(relationship_manager=rm_other_team)
    assert web_for(rm).get(f"/customers/{customer.pk}/").status_code == 404
    assert [e.action for e in _entries()] == [AccessLog.Action.LOGIN]


@pytest.mark.django_db
def test_api_customer_list_is_one_entry_with_the_ids_on_the_page(api_for, rm):
    customers = CustomerFactory.create_batch(3, relationship_manager=rm)
    response = api_for(rm).get("/api/v1/customers/?page_size=2", REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 200
    [entry] = _entries()
    shown = [row["id"] for row in response.json()["results"]]
    assert entry.action == AccessLog.Action.VIEW
    assert entry.customer is None
    assert entry.customer_ids == sorted(shown)
    assert set(shown) < {c.pk for c in customers}
    assert entry.ip == "10.0.0.9"
    assert "/api/v1/customers/?page_size=2" in entry.detail
    assert "(2 rows)" in entry.detail


@pytest.mark.django_db
def test_api_detail_and_child_lists_name_the_customer(api_for, rm):
    customer = CustomerFactory(relationship_manager=rm)
    ContactFactory(customer=customer)
    FinancialStatementFactory(customer=customer)
    client = api_for(rm)
    assert client.get(f"/api/v1/customers/{customer.pk}/").status_code == 200
    assert client.get(f"/api/v1/customers/{customer.pk}/contacts/").status_code == 200
    assert client.get(f"/api/v1/customers/{customer.pk}/financial-statements/").status_code == 200
    entries = _entries()
    assert [(e.customer, e.category) for e in entries] == [
        (customer, AccessLog.Category.BASIC),
        (customer, AccessLog.Category.BASIC),
        (customer, AccessLog.Category.RISK),
    ]
    assert all(e.user == rm and e.customer_ids == [customer.pk] for e in entries)


@pytest.mark.django_db
def test_api_reads_of_loans_are_logged(api_for, rm):
    customer = CustomerFactory(relationship_manager=rm)
    client = api_for(rm)
    assert client.get("/api/v1/loans/").status_code == 200
    assert client.get("/api/v1/loan-applications/").status_code == 200
    entries = _entries()
    assert [e.category for e in entries] == [AccessLog.Category.TRANSACTION] * 2
    # No loans yet: the reads are logged all the same, naming no customer.
    assert [e.customer_ids for e in entries] == [[], []]
    del customer


@pytest.mark.django_db
def test_denied_and_missing_api_reads_log_nothing(api_for, rm, rm_other_team, no_role_user):
    other = CustomerFactory(relationship_manager=rm_other_team)
    assert api_for(rm).get(f"/api/v1/customers/{other.pk}/").status_code == 404
    assert api_for(no_role_user).get("/api/v1/customers/").status_code == 403
    assert _entries() == []


@pytest.mark.django_db
def test_writes_through_the_api_are_not_logged_as_reads(api_for, rm):
    customer = CustomerFactory(relationship_manager=rm)
    response = api_for(rm).patch(
        f"/api/v1/customers/{customer.pk}/", {"region": "Xiamen"}, format="json"
    )
    assert response.status_code == 200
    # The change itself is in the audit trail; the access log holds reads.
    assert _entries() == []


# --- logins and permission changes --------------------------------------------------------


@pytest.mark.django_db
def test_login_failed_login_and_logout_are_logged(client, rm):
    from tests.factories import TEST_PASSWORD

    response = client.post(
        "/accounts/login/",
        {"username": rm.username, "password": "wrong-password"},
        REMOTE_ADDR="192.0.2.7",
    )
    assert response.status_code == 200
    response = client.post(
        "/accounts/login/",
        {"username": rm.username, "password": TEST_PASSWORD},
        REMOTE_ADDR="192.0.2.7",
    )
    assert response.status_code == 302
    client.post("/accounts/logout/", REMOTE_ADDR="192.0.2.7")
    entries = _entries()
    assert [(e.action, e.user, e.ip) for e in entries] == [
        (AccessLog.Action.LOGIN_FAILED, None, "192.0.2.7"),
        (AccessLog.Action.LOGIN, rm, "192.0.2.7"),
        (AccessLog.Action.LOGOUT, rm, "192.0.2.7"),
    ]
    assert entries[0].detail == f"username: {rm.username}"
    assert "wrong-password" not in entries[0].detail


@pytest.mark.django_db
def test_api_token_is_a_logged_login(rm):
    from rest_framework.test import APIClient

    from tests.factories import TEST_PASSWORD

    response = APIClient().post(
        "/api/v1/auth/token/", {"username": rm.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    [entry] = _entries()
    assert (entry.action, entry.user, entry.detail) == (AccessLog.Action.LOGIN, rm, "API token")


@pytest.mark.django_db
def test_role_changes_are_logged_with_the_acting_admin(client, admin_user, rm):
    lead_group = Group.objects.get(name=Role.TEAM_LEAD)
    rm_group = Group.objects.get(name=Role.RELATIONSHIP_MANAGER)
    client.force_login(admin_user)
    before = AccessLog.objects.filter(action=AccessLog.Action.PERMISSION_CHANGE).count()
    response = client.post(
        f"/admin/crm/user/{rm.pk}/change/",
        {
            "username": rm.username,
            "display_name": rm.display_name,
            "email": rm.email,
            "is_active": "on",
            "groups": [lead_group.pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "initial-date_joined_0": "2026-01-01",
            "initial-date_joined_1": "00:00:00",
        },
        REMOTE_ADDR="198.51.100.4",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    changes = list(
        AccessLog.objects.filter(action=AccessLog.Action.PERMISSION_CHANGE).order_by("id")
    )[before:]
    details = [c.detail for c in changes]
    assert f"user {rm.username}: roles -{rm_group.name}" in details
    assert f"user {rm.username}: roles +{lead_group.name}" in details
    assert all(c.user == admin_user and c.ip == "198.51.100.4" for c in changes)


@pytest.mark.django_db
def test_role_changes_outside_a_request_are_logged_without_a_user(rm):
    group = Group.objects.get(name=Role.RISK_OFFICER)
    before = AccessLog.objects.count()
    group.user_set.add(rm)
    rm.groups.clear()
    entries = list(AccessLog.objects.order_by("id"))[before:]
    assert [e.detail for e in entries] == [
        f"users {rm.username}: roles +{Role.RISK_OFFICER}",
        f"user {rm.username}: roles -{Role.RELATIONSHIP_MANAGER}, {Role.RISK_OFFICER}",
    ]
    assert all(e.user is None and e.ip is None for e in entries)


@pytest.mark.django_db
def test_share_entries_carry_ground_recipient_scope_and_method(rm):
    customer = CustomerFactory(relationship_manager=rm)
    entry = access_log_record_share(
        user=rm,
        customer=customer,
        ground="regulator_request",
        recipient="NFRA Fujian",
        scope="loans 2026",
        method="encrypted file",
    )
    assert entry.action == AccessLog.Action.SHARE
    assert entry.customer_ids == [customer.pk]
    assert entry.detail == (
        "ground: regulator_request; recipient: NFRA Fujian; scope: loans 2026; "
        "method: encrypted file"
    )


# --- the client's address ----------------------------------------------------------------


def _request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_forwarded_for_is_ignored_without_trusted_proxies(settings):
    settings.ACCESS_LOG_TRUSTED_PROXIES = []
    assert client_ip(_request("203.0.113.5", "1.2.3.4")) == "203.0.113.5"


def test_trusted_proxy_forwarded_for_is_read_from_the_right(settings):
    settings.ACCESS_LOG_TRUSTED_PROXIES = ["10.0.0.0/8", "192.168.1.1"]
    # The client forged "6.6.6.6"; our proxies appended the real client and each other.
    request = _request("10.0.0.2", "6.6.6.6, 198.51.100.20, 192.168.1.1")
    assert client_ip(request) == "198.51.100.20"
    # Only trusted hops: the leftmost is as far as we can see.
    assert client_ip(_request("10.0.0.2", "")) == "10.0.0.2"
    # A malformed hop stops the walk at the proxy.
    assert client_ip(_request("10.0.0.2", "junk, 10.0.0.3")) == "10.0.0.2"
    # A client that is not a trusted proxy cannot forward anything.
    assert client_ip(_request("198.51.100.20", "1.2.3.4")) == "198.51.100.20"


# --- append-only --------------------------------------------------------------------------


def _execute_with_purge_switch(statement, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL crm.access_log_purge = 'on'")
        cursor.execute(statement, params)


@pytest.mark.django_db
def test_the_database_refuses_to_change_or_delete_entries(rm):
    entry = access_log_record(user=rm, action=AccessLog.Action.VIEW, category="basic")
    with pytest.raises(InternalError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(detail="forged")
    with pytest.raises(InternalError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).delete()
    aged = AccessLog.objects.create(
        user=rm, action="view", category="basic", at=timezone.now() - timedelta(days=400)
    )
    # Even the purge's switch does not allow changing a row, nor deleting a young one.
    for statement, pk in (
        ('UPDATE "crm_accesslog" SET "detail" = \'x\' WHERE "id" = %s', aged.pk),
        ('DELETE FROM "crm_accesslog" WHERE "id" = %s', entry.pk),
    ):
        with pytest.raises(InternalError, match="append-only"):
            _execute_with_purge_switch(statement, [pk])
    assert AccessLog.objects.get(pk=entry.pk).detail == ""


@pytest.mark.django_db
def test_admin_cannot_add_change_or_delete_entries(client, admin_user, rm):
    entry = access_log_record(user=rm, action=AccessLog.Action.VIEW, category="basic")
    client.force_login(admin_user)
    assert client.get("/admin/crm/accesslog/").status_code == 200
    assert client.get("/admin/crm/accesslog/add/").status_code == 403
    assert client.get(f"/admin/crm/accesslog/{entry.pk}/delete/").status_code == 403
    changelist = client.get("/admin/crm/accesslog/").content.decode()
    assert "delete_selected" not in changelist
    client.post(
        "/admin/crm/accesslog/", {"action": "delete_selected", "_selected_action": [entry.pk]}
    )
    assert AccessLog.objects.filter(pk=entry.pk).exists()
    page = client.get(f"/admin/crm/accesslog/{entry.pk}/change/").content.decode()
    assert 'name="_save"' not in page


@pytest.mark.django_db
def test_api_reads_of_tasks_service_requests_scores_and_schedules_are_logged(api_for, rm, approver):
    from crm.models import AccessLog
    from tests.factories import CustomerFactory, make_service_request
    from tests.loans.conftest import disbursed_loan

    customer = CustomerFactory(relationship_manager=rm)
    loan = disbursed_loan(rm, approver, customer)
    make_service_request(customer, user=rm)
    client = api_for(rm)

    reads = {
        "/api/v1/service-requests/": "behavioural",
        f"/api/v1/customers/{customer.pk}/risk-scores/": "risk",
        f"/api/v1/loans/{loan.pk}/schedule/": "transaction",
        f"/api/v1/loans/{loan.pk}/repayments/": "transaction",
    }
    for url, category in reads.items():
        assert client.get(url).status_code == 200, url
        entry = AccessLog.objects.filter(action="view").latest("id")
        assert entry.category == category, url
        assert customer.pk in (entry.customer_ids or [entry.customer_id]), url
        assert url in entry.detail, url
    # A single loan's schedule names its customer.
    schedule_entry = AccessLog.objects.get(detail__contains="/schedule/")
    assert schedule_entry.customer_id == customer.pk
    # A read that finds nothing out of scope logs nothing.
    before = AccessLog.objects.filter(action="view").count()
    assert api_for(approver).get("/api/v1/loans/999999/schedule/").status_code == 404
    assert AccessLog.objects.filter(action="view").count() == before
