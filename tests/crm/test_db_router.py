"""Read replicas (crm/db_router.py): which database each read and write really goes to.

The replica here is a second, real connection to the test database, added as the alias
`replica_test`; the assertions count the SQL each connection executed.
"""

import pytest
from django.db import connections, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token

from crm.db_router import PIN_COOKIE, PrimaryReplicaRouter, _replica_reads_allowed
from customers.models import Customer
from tests.factories import CustomerFactory

REPLICA = "replica_test"


@pytest.fixture
def replica(transactional_db, settings):
    """A second connection to the test database, registered as a replica alias."""
    wrapper_class = type(connections["default"])
    wrapper = wrapper_class({**connections.settings["default"]}, alias=REPLICA)
    connections[REPLICA] = wrapper
    settings.DATABASE_REPLICAS = [REPLICA]
    yield wrapper
    wrapper.close()
    del connections[REPLICA]


def _selects(context, table):
    return [q["sql"] for q in context.captured_queries if f'FROM "{table}"' in q["sql"]]


def test_without_replicas_every_read_goes_to_the_primary(settings):
    settings.DATABASE_REPLICAS = []
    token = _replica_reads_allowed.set(True)
    try:
        assert PrimaryReplicaRouter().db_for_read(Customer) == "default"
    finally:
        _replica_reads_allowed.reset(token)


def test_outside_a_web_request_reads_use_the_primary_even_with_replicas(settings):
    # Jobs, Celery tasks and commands act on what they read: never from a lagging copy.
    settings.DATABASE_REPLICAS = [REPLICA]
    router = PrimaryReplicaRouter()
    assert router.db_for_read(Customer) == "default"
    assert router.db_for_write(Customer) == "default"
    assert router.allow_migrate(REPLICA, "customers") is False
    assert router.allow_migrate("default", "customers") is True


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_stay_on_the_primary(settings):
    settings.DATABASE_REPLICAS = [REPLICA]
    token = _replica_reads_allowed.set(True)
    try:
        assert PrimaryReplicaRouter().db_for_read(Customer) == REPLICA
        with transaction.atomic():
            assert PrimaryReplicaRouter().db_for_read(Customer) == "default"
    finally:
        _replica_reads_allowed.reset(token)


def test_a_page_view_reads_customers_from_the_replica(replica, rm, client):
    CustomerFactory(relationship_manager=rm, name="Replica Reads Co., Ltd.")
    client.force_login(rm)

    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get("/customers/")

    assert response.status_code == 200
    assert "Replica Reads Co., Ltd." in response.content.decode()
    assert _selects(on_replica, "customers_customer")
    assert not _selects(on_primary, "customers_customer")
    assert PIN_COOKIE not in response.cookies


def test_after_a_write_the_same_browser_reads_the_primary(replica, rm, client):
    CustomerFactory(relationship_manager=rm)
    client.force_login(rm)

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/customers/"})
    assert response.status_code == 302
    assert response.cookies[PIN_COOKIE]["max-age"] == 10

    with CaptureQueriesContext(replica) as on_replica:
        response = client.get("/customers/")

    assert response.status_code == 200
    assert on_replica.captured_queries == []


def test_an_api_client_reads_the_replica_until_it_writes(replica, rm, settings):
    from rest_framework.test import APIClient

    customer = CustomerFactory(relationship_manager=rm)
    api = APIClient()  # keeps no cookies between calls, like another bank system
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=rm).key}")

    with CaptureQueriesContext(replica) as on_replica:
        assert api.get("/api/v1/customers/").status_code == 200
    assert _selects(on_replica, "customers_customer")

    api.cookies.clear()
    response = api.patch(f"/api/v1/customers/{customer.pk}/", {"region": "Suzhou"}, format="json")
    assert response.status_code == 200, response.content
    api.cookies.clear()

    with CaptureQueriesContext(replica) as on_replica:
        response = api.get(f"/api/v1/customers/{customer.pk}/")
    assert response.status_code == 200
    assert response.json()["region"] == "Suzhou"
    assert on_replica.captured_queries == []
