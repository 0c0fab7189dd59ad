"""Password hashing, login lockout and the security headers."""

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from crm.sessions import TOUCH_KEY
from tests.factories import TEST_PASSWORD


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2(rm):
    assert rm.password.startswith("argon2$")


@pytest.mark.django_db
def test_five_failed_logins_lock_the_account_even_with_the_right_password(client, rm):
    for _ in range(5):
        client.post("/accounts/login/", {"username": rm.username, "password": "wrong"})

    response = client.post("/accounts/login/", {"username": rm.username, "password": TEST_PASSWORD})

    assert response.status_code == 429
    assert "Account temporarily locked" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_four_failed_logins_do_not_lock_and_success_resets_the_count(client, rm):
    for _ in range(4):
        client.post("/accounts/login/", {"username": rm.username, "password": "wrong"})
    client.post("/accounts/login/", {"username": rm.username, "password": TEST_PASSWORD})
    client.post("/accounts/logout/")
    for _ in range(4):
        client.post("/accounts/login/", {"username": rm.username, "password": "wrong"})

    response = client.post("/accounts/login/", {"username": rm.username, "password": TEST_PASSWORD})

    assert response.status_code == 302


@pytest.mark.django_db
def test_the_lockout_also_closes_the_token_endpoint(rm):
    client = APIClient()
    for _ in range(5):
        client.post("/api/v1/auth/token/", {"username": rm.username, "password": "wrong"})

    response = client.post(
        "/api/v1/auth/token/", {"username": rm.username, "password": TEST_PASSWORD}
    )

    assert response.status_code in (400, 429)
    assert "token" not in response.json()


@pytest.mark.django_db
def test_pages_send_csp_frame_and_referrer_headers(client):
    response = client.get("/accounts/login/")

    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def _session_row(client):
    return Session.objects.get(session_key=client.session.session_key)


def _age_session(client, seconds):
    """Move the session's last refresh `seconds` into the past (row and touch mark)."""
    row = _session_row(client)
    store = SessionStore(session_key=row.session_key)
    data = store.load()
    data[TOUCH_KEY] = int(time.time()) - seconds
    row.session_data = store.encode(data)
    row.expire_date -= timedelta(seconds=seconds)
    row.save()


@pytest.mark.django_db
def test_session_expires_after_thirty_idle_minutes(client, rm, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(rm)
    assert client.get("/").status_code == 200

    _age_session(client, 30 * 60 + 1)

    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_activity_keeps_the_session_alive(client, rm, settings):
    client.force_login(rm)
    client.get("/")
    _age_session(client, 25 * 60)
    before = _session_row(client).expire_date

    assert client.get("/").status_code == 200

    # The request refreshed the expiry: 30 minutes from now again.
    assert _session_row(client).expire_date > before + timedelta(minutes=20)
    _age_session(client, 25 * 60)
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_requests_within_a_minute_do_not_write_the_session(client, rm):
    client.force_login(rm)
    client.get("/")  # sets the touch mark and saves once
    before = _session_row(client).expire_date

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200

    writes = [q["sql"] for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert writes == []
    assert _session_row(client).expire_date == before


@pytest.mark.django_db
def test_anonymous_requests_create_no_session(client):
    client.get("/healthz")
    client.get("/accounts/login/")

    assert Session.objects.count() == 0
