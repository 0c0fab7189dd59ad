"""A password change signs the user out everywhere: other sessions and API tokens."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import TEST_PASSWORD

NEW_PASSWORD = "a-brand-new-passphrase-77"


def _token(username, password):
    return APIClient().post("/api/v1/auth/token/", {"username": username, "password": password})


@pytest.mark.django_db
def test_password_change_revokes_tokens_and_other_sessions(rm):
    old_token = _token(rm.username, TEST_PASSWORD).json()["token"]
    other_browser = Client()
    other_browser.force_login(rm)
    this_browser = Client()
    this_browser.force_login(rm)

    response = this_browser.post(
        "/accounts/password/",
        {
            "old_password": TEST_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {old_token}")
    refused = api.get("/api/v1/schema/?format=json")
    assert refused.status_code == 401
    assert "revoked by a password change" in refused.json()["detail"]
    assert other_browser.get("/").status_code == 302  # sent to the login page
    assert this_browser.get("/").status_code == 200  # the session that changed it stays in
    new_token = _token(rm.username, NEW_PASSWORD).json()["token"]
    assert new_token != old_token
    api.credentials(HTTP_AUTHORIZATION=f"Token {new_token}")
    assert api.get("/api/v1/schema/").status_code == 200


@pytest.mark.django_db
def test_password_change_needs_the_old_password_and_a_strong_new_one(web_for, rm):
    client = web_for(rm)

    wrong_old = client.post(
        "/accounts/password/",
        {"old_password": "nope", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    weak_new = client.post(
        "/accounts/password/",
        {"old_password": TEST_PASSWORD, "new_password1": "12345", "new_password2": "12345"},
    )

    assert wrong_old.status_code == 200
    assert "Your old password was entered incorrectly" in wrong_old.content.decode()
    assert weak_new.status_code == 200
    assert "too short" in weak_new.content.decode()
    rm.refresh_from_db()
    assert rm.check_password(TEST_PASSWORD)
