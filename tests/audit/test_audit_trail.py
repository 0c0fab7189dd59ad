"""The audit trail: every create, update and delete of business data, with who and when."""

from datetime import date

import pghistory
import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.utils import InternalError

from audit.models import TRACKED_MODELS
from audit.selectors import customer_events, history_entries
from crm.jobs import DailyJob, run_job
from crm.roles import Role
from customers.models import Contact, Customer, Industry
from tests.factories import ContactFactory, CustomerFactory

# The aggregate across every history table, with the diff of each update.
Event = pghistory.models.Events

CUSTOMER_EVENTS = "audit.CustomersCustomerEvent"
CONTACT_EVENTS = "audit.CustomersContactEvent"


def _events(model_label, obj):
    from django.apps import apps

    return list(apps.get_model(model_label).objects.filter(pgh_obj=obj).order_by("pgh_id"))


def _context(event):
    return event.pgh_context.metadata if event.pgh_context_id else None


@pytest.mark.django_db
def test_api_create_update_and_delete_are_recorded_with_the_user(api_for, rm):
    # (transactional tests flush the industries the data migration loaded)
    Industry.objects.get_or_create(code="C", defaults={"name": "Manufacturing"})
    client = api_for(rm)
    # when: a customer is created and changed, a contact added and removed through the API
    response = client.post(
        "/api/v1/customers/",
        {
            "name": "审计示例有限公司",
            "uscc": "91350100M000100Y43",
            "legal_form": "enterprise",
            "industry": "C",
            "size": "medium",
            "region": "Fuzhou",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    customer = Customer.objects.get(pk=response.json()["id"])
    response = client.patch(
        f"/api/v1/customers/{customer.pk}/", {"region": "Xiamen"}, format="json"
    )
    assert response.status_code == 200, response.content
    response = client.post(
        f"/api/v1/customers/{customer.pk}/contacts/",
        {"name": "王强", "role": "finance", "phone": "13812345678"},
        format="json",
    )
    assert response.status_code == 201, response.content
    contact = Contact.objects.get(pk=response.json()["id"])
    assert (
        client.delete(f"/api/v1/customers/{customer.pk}/contacts/{contact.pk}/").status_code == 204
    )

    # then: the history tables hold each change with the acting user and the URL
    customer_events = _events(CUSTOMER_EVENTS, customer)
    assert [e.pgh_label for e in customer_events] == ["insert", "update"]
    assert customer_events[0].region == "Fuzhou"
    assert customer_events[1].region == "Xiamen"
    for event in customer_events:
        assert _context(event)["user"] == rm.pk
        assert _context(event)["actor"] == "user"
    assert _context(customer_events[1])["url"] == f"/api/v1/customers/{customer.pk}/"
    contact_events = _events(CONTACT_EVENTS, contact)
    assert [e.pgh_label for e in contact_events] == ["insert", "delete"]
    assert all(_context(e)["user"] == rm.pk for e in contact_events)
    # The delete event keeps the row as it was.
    assert contact_events[1].name == "王强"

    # and the aggregate gives the diff of the update: field -> [old, new]
    update = (
        Event.objects.references(customer)
        .filter(pgh_model=CUSTOMER_EVENTS, pgh_label="update")
        .get()
    )
    assert update.pgh_diff["region"] == ["Fuzhou", "Xiamen"]
    assert set(update.pgh_diff) == {"region", "updated_at"}


@pytest.mark.django_db
def test_a_save_that_changes_nothing_records_nothing(rm):
    customer = CustomerFactory(relationship_manager=rm)
    customer.save()
    assert [e.pgh_label for e in _events(CUSTOMER_EVENTS, customer)] == ["insert"]


@pytest.mark.django_db
def test_a_bulk_update_in_a_job_is_recorded_and_attributed_to_the_job(rm):
    customers = CustomerFactory.create_batch(3, relationship_manager=rm, region="Shanghai")

    def retag(*, as_of):
        from crm.jobs import JobResult

        # queryset.update() sends no signal: only a database trigger can see it.
        count = Customer.objects.filter(region="Shanghai").update(region="Pudong")
        return JobResult(summary=f"{count} moved", counts={"moved": count})

    run_job(DailyJob(name="test.retag", order=1, func=retag), as_of=date(2026, 11, 20))

    for customer in customers:
        update = _events(CUSTOMER_EVENTS, customer)[-1]
        assert update.pgh_label == "update"
        assert update.region == "Pudong"
        assert _context(update) == {"actor": "system", "job": "test.retag", "as_of": "2026-11-20"}


@pytest.mark.django_db
def test_bulk_create_outside_any_request_is_recorded_without_a_user(rm):
    [customer] = Customer.objects.bulk_create([CustomerFactory.build(relationship_manager=rm)])
    [event] = _events(CUSTOMER_EVENTS, customer)
    assert event.pgh_label == "insert"
    assert event.pgh_context_id is None


@pytest.mark.django_db
def test_role_changes_and_user_flags_are_tracked_but_never_the_password(rm):
    from audit.models import CrmUserEvent, CrmUserGroupsEvent

    lead_group = Group.objects.get(name=Role.TEAM_LEAD)
    rm.groups.add(lead_group)
    rm.groups.remove(lead_group)
    assert list(
        CrmUserGroupsEvent.objects.filter(user=rm, group=lead_group)
        .order_by("pgh_id")
        .values_list("pgh_label", flat=True)
    ) == ["insert", "delete"]

    before = CrmUserEvent.objects.filter(pgh_obj=rm).count()
    rm.set_password("another-long-password-2026")
    rm.save()
    rm.is_staff = True
    rm.save()
    events = list(CrmUserEvent.objects.filter(pgh_obj=rm).order_by("pgh_id"))[before:]
    # The password change alone is not an audit event (the hash is not even stored)...
    assert [e.is_staff for e in events] == [True]
    assert not hasattr(events[0], "password")
    assert "password" not in {f.name for f in CrmUserEvent._meta.fields}


@pytest.mark.django_db
def test_history_tables_are_append_only(rm):
    customer = CustomerFactory(relationship_manager=rm)
    table = Customer.audit_history.rel.related_model._meta.db_table
    for statement in (f'UPDATE "{table}" SET "name" = %s', f'DELETE FROM "{table}" WHERE %s = %s'):
        params = ["forged"] if statement.startswith("UPDATE") else [1, 1]
        with pytest.raises(InternalError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    assert _events(CUSTOMER_EVENTS, customer)[0].name == customer.name


def test_every_business_app_is_tracked():
    apps_tracked = {label.split(".")[0] for label in TRACKED_MODELS}
    assert {"customers", "loans", "risk", "interactions", "crm"} <= apps_tracked


# --- the customer page's tab and the history page -----------------------------------------


@pytest.fixture
def changed_customer(api_for, rm):
    customer = CustomerFactory(relationship_manager=rm, region="Fuzhou", name="Trail Co")
    client = api_for(rm)
    assert (
        client.patch(f"/api/v1/customers/{customer.pk}/", {"region": "Xiamen"}, format="json")
    ).status_code == 200
    ContactFactory(customer=customer, name="李娜", phone="13900001111")
    contact = customer.contacts.get()
    assert (
        client.patch(
            f"/api/v1/customers/{customer.pk}/contacts/{contact.pk}/",
            {"phone": "13900002222"},
            format="json",
        )
    ).status_code == 200
    return customer


@pytest.mark.django_db
def test_team_lead_sees_the_tab_and_the_changes(web_for, lead, rm, changed_customer):
    client = web_for(lead)
    tab_url = f"/customers/{changed_customer.pk}/tab/audit_trail/"
    page = client.get(f"/customers/{changed_customer.pk}/").content.decode()
    assert tab_url in page  # the tab is listed; it loads when opened
    tab = client.get(tab_url, HTTP_HX_REQUEST="true")
    assert tab.status_code == 200
    assert 'data-testid="audit-panel"' in tab.content.decode()

    response = client.get(f"/customers/{changed_customer.pk}/audit-trail/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Fuzhou</del> → <ins" in html
    assert "Xiamen" in html
    assert str(rm) in html
    # The contact's phone is encrypted and sensitive: changed, never shown.
    assert "13900002222" not in html
    assert "13900001111" not in html
    assert "••••" in html
    # The htmx request for the tab gets the fragment only.
    fragment = client.get(
        f"/customers/{changed_customer.pk}/audit-trail/", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert fragment.startswith("<div")
    assert "<html" not in fragment


@pytest.mark.django_db
def test_relationship_manager_gets_no_tab_and_403(web_for, rm, changed_customer):
    client = web_for(rm)
    tab_url = f"/customers/{changed_customer.pk}/tab/audit_trail/"
    page = client.get(f"/customers/{changed_customer.pk}/").content.decode()
    assert tab_url not in page
    assert "Audit trail" not in page
    assert client.get(tab_url, HTTP_HX_REQUEST="true").status_code == 403
    assert client.get(f"/customers/{changed_customer.pk}/?tab=audit_trail").status_code == 200
    assert client.get(f"/customers/{changed_customer.pk}/audit-trail/").status_code == 403


@pytest.mark.django_db
def test_lead_outside_the_customers_team_gets_404(web_for, team_b, changed_customer):
    from tests.factories import make_user

    other_lead = make_user(Role.TEAM_LEAD, lead_of=team_b, username="lead_b")
    response = web_for(other_lead).get(f"/customers/{changed_customer.pk}/audit-trail/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_history_entries_read_who_what_old_and_new(rm, changed_customer):
    entries = history_entries(customer_events(customer=changed_customer))
    update = next(e for e in entries if e.label == "update" and e.model_label == "customer")
    assert update.actor == str(rm)
    assert [(c.label, c.old, c.new) for c in update.changes] == [("region", "Fuzhou", "Xiamen")]
    phone = next(e for e in entries if e.label == "update" and e.model_label == "contact")
    assert [(c.old, c.new) for c in phone.changes] == [("••••", "••••")]


@pytest.mark.django_db
def test_key_rotation_re_encrypts_history_and_records_no_change(settings):
    from io import StringIO

    from cryptography.fernet import Fernet
    from django.core.management import call_command

    from audit.models import CustomersContactEvent

    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old_key]
    contact = ContactFactory(phone="13812345678")
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]

    call_command("rotate_field_keys", stdout=StringIO())

    # No history row for a rewrite that changes no value...
    [event] = CustomersContactEvent.objects.filter(pgh_obj=contact)
    assert event.pgh_label == "insert"
    # ...and the history's copy is readable with the new key alone: the old key can go.
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert CustomersContactEvent.objects.get(pk=event.pk).phone == "13812345678"


@pytest.mark.django_db
def test_two_jobs_in_one_task_keep_their_own_names(rm):
    from crm.jobs import JobResult

    first = CustomerFactory(relationship_manager=rm, region="A")
    second = CustomerFactory(relationship_manager=rm, region="B")

    def job_for(customer, region):
        def job(*, as_of):
            Customer.objects.filter(pk=customer.pk).update(region=region)
            return JobResult(summary="")

        return job

    # as in a Celery task running several daily jobs
    with pghistory.context(actor="system", task="notifications.run_scheduled_jobs"):
        run_job(DailyJob("test.first", 1, job_for(first, "A2")), as_of=date(2026, 11, 20))
        run_job(DailyJob("test.second", 2, job_for(second, "B2")), as_of=date(2026, 11, 20))
        Customer.objects.filter(pk=first.pk).update(region="A3")

    contexts = [_context(e) for e in _events(CUSTOMER_EVENTS, first)[1:]]
    assert [c.get("job") for c in contexts] == ["test.first", None]
    assert all(c["task"] == "notifications.run_scheduled_jobs" for c in contexts)
    assert _context(_events(CUSTOMER_EVENTS, second)[-1])["job"] == "test.second"


@pytest.mark.django_db
def test_admin_shows_each_objects_events_read_only(client, admin_user, changed_customer):
    client.force_login(admin_user)
    page = client.get(f"/admin/customers/customer/{changed_customer.pk}/change/").content.decode()
    link = f"?method=tracks&obj=customers.Customer:{changed_customer.pk}"
    assert link in page

    events = client.get(
        "/admin/pghistory/middlewareevents/",
        {"method": "tracks", "obj": f"customers.Customer:{changed_customer.pk}"},
    )
    assert events.status_code == 200
    assert events.context["cl"].result_count == 2  # insert, then the region change
    history = client.get("/admin/audit/customerscustomerevent/")
    assert history.status_code == 200
    assert client.get("/admin/audit/customerscustomerevent/add/").status_code == 403
