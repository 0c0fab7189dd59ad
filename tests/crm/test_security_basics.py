"""Password hashing, login lockout and the security headers."""

import pytest
from rest_framework.test import APIClient

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


@pytest.mark.django_db
def test_session_expires_after_thirty_idle_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
