"""`/healthz` reports every component; 503 when the database is down."""

import pytest
from django.db import OperationalError

from crm import health


@pytest.mark.django_db
def test_healthz_reports_each_component(client, monkeypatch):
    # no worker consumes in this test: the Celery check must say so, quickly
    monkeypatch.setattr(health, "check_celery", lambda: "no workers")

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "ok", "celery": "no workers"}


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    class BrokenCursor:
        def __enter__(self):
            raise OperationalError("connection refused")

        def __exit__(self, *exc):
            return False

    class BrokenConnection:
        def cursor(self):
            return BrokenCursor()

    monkeypatch.setattr(health, "connection", BrokenConnection())
    monkeypatch.setattr(health, "check_celery", lambda: "ok")

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"database": "down", "redis": "ok", "celery": "ok"}


@pytest.mark.django_db
def test_healthz_reports_redis_down_without_waiting_for_celery(client, settings):
    # a port where nothing listens
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "down", "celery": "no workers"}


@pytest.mark.django_db
def test_healthz_needs_no_login(client):
    response = client.get("/healthz")

    assert response["Content-Type"] == "application/json"
