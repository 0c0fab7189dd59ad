"""Optional TOTP second factor: enrolment with a server-drawn QR code, login with password and
a real code computed at a frozen time, the admin's demands, and API tokens left alone."""

import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from tests.factories import TEST_PASSWORD

# A frozen instant at the start of a 30-second TOTP step, taken when the tests are collected:
# django-axes measures its cool-off against the real clock, so the instant must be "now".
FROZEN = int(time.time()) // 30 * 30


def code_for(device, at=FROZEN) -> str:
    """The 6-digit code an authenticator app shows for this device at `at`."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = at
    return f"{totp.token():06d}"


@pytest.fixture
def frozen(monkeypatch):
    """Freeze time.time() (TOTP steps) and timezone.now() (django-otp's throttle) together;
    `frozen["now"] = ...` moves both."""
    from datetime import UTC, datetime

    from django.utils import timezone

    state = {"now": FROZEN}
    monkeypatch.setattr(time, "time", lambda *args: state["now"])
    monkeypatch.setattr(timezone, "now", lambda: datetime.fromtimestamp(state["now"], UTC))
    return state


@pytest.fixture
def enrolled(db):
    """`enrolled(user)`: the user with a confirmed TOTP device."""

    def make(user):
        return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    return make


def login(client, user, code=None):
    data = {"username": user.username, "password": TEST_PASSWORD}
    if code is not None:
        data["otp_token"] = code
    return client.post("/accounts/login/", data)


@pytest.mark.django_db
def test_enrolment_shows_a_server_side_qr_code_and_confirms_with_a_real_code(client, rm, frozen):
    client.force_login(rm)

    page = client.get("/accounts/two-factor/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html
    assert 'data-testid="totp-secret"' in html
    assert "<script" not in html.split('data-testid="totp-qr"')[1].split("</div>")[0]
    device = TOTPDevice.objects.get(user=rm)
    assert device.confirmed is False

    wrong = client.post("/accounts/two-factor/", {"otp_token": "000000"})
    assert 'data-field-error="otp_token"' in wrong.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False

    frozen["now"] = FROZEN + 2  # past django-otp's one-second throttle, same 30-second step
    right = client.post("/accounts/two-factor/", {"otp_token": code_for(device)})
    assert right.status_code == 302
    device.refresh_from_db()
    assert device.confirmed is True
    # Reloading the page keeps the same key until it is confirmed: one device per user.
    assert TOTPDevice.objects.filter(user=rm).count() == 1


@pytest.mark.django_db
def test_user_without_a_device_logs_in_with_the_password_alone(client, rm):
    response = login(client, rm)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(rm.pk)


@pytest.mark.django_db
def test_enrolled_user_needs_the_code(client, rm, enrolled, frozen):
    device = enrolled(rm)

    missing = login(client, rm)
    assert missing.status_code == 200
    assert 'data-field-error="otp_token"' in missing.content.decode()
    assert "_auth_user_id" not in client.session

    wrong = login(client, rm, code=code_for(device, at=FROZEN - 600))
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session

    frozen["now"] = FROZEN + 2  # past django-otp's one-second throttle, same 30-second step
    right = login(client, rm, code=code_for(device))
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(rm.pk)
    assert client.session["otp_device_id"] == device.persistent_id


@pytest.mark.django_db
def test_a_code_cannot_be_used_twice(client, rm, enrolled, frozen):
    device = enrolled(rm)
    code = code_for(device)
    assert login(client, rm, code=code).status_code == 302
    client.post("/accounts/logout/")

    frozen["now"] = FROZEN + 5  # same 30-second step: the same code
    replay = login(client, rm, code=code)

    assert replay.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_wrong_codes_count_towards_the_lockout(client, rm, enrolled, frozen):
    device = enrolled(rm)
    for _ in range(5):
        login(client, rm, code="000000")
    # Move past django-otp's throttle so only the lockout can refuse the right code.
    frozen["now"] = FROZEN + 60  # past the throttle (16 s), well inside the lockout (30 min)

    response = login(client, rm, code=code_for(device, at=FROZEN + 60))

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_admin_needs_a_verified_session_once_enrolled(client, admin_user, enrolled, frozen):
    device = enrolled(admin_user)
    client.force_login(admin_user)  # a session without the code

    refused = client.get("/admin/")
    assert refused.status_code == 302
    assert refused["Location"].startswith("/admin/login/")
    assert client.get(refused["Location"])["Location"].startswith("/accounts/login/")

    client.post("/accounts/logout/")
    assert login(client, admin_user, code=code_for(device)).status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_staff_without_a_device_use_the_admin_unless_required(client, admin_user, settings):
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200

    settings.OTP_REQUIRED_FOR_STAFF = True
    refused = client.get("/admin/")
    assert refused.status_code == 302
    to_enrol = client.get(refused["Location"])
    assert to_enrol["Location"].startswith("/accounts/two-factor/")
    # The rest of the product stays usable; enrolment is one click away.
    assert client.get("/customers/").status_code == 200


@pytest.mark.django_db
def test_required_staff_enrol_and_then_reach_the_admin(client, admin_user, settings, frozen):
    settings.OTP_REQUIRED_FOR_STAFF = True
    client.force_login(admin_user)
    client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=admin_user)

    client.post("/accounts/two-factor/", {"otp_token": code_for(device)})

    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_api_tokens_are_not_affected(rm, enrolled, frozen):
    enrolled(rm)
    api = APIClient()

    token = api.post("/api/v1/auth/token/", {"username": rm.username, "password": TEST_PASSWORD})
    assert token.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert api.get("/api/v1/customers/").status_code == 200


@pytest.mark.django_db
def test_turning_it_off_needs_a_current_code(client, rm, enrolled, frozen):
    device = enrolled(rm)
    client.force_login(rm)

    client.post("/accounts/two-factor/disable/", {"otp_token": "000000"})
    assert TOTPDevice.objects.filter(user=rm).exists()

    frozen["now"] = FROZEN + 2  # past django-otp's one-second throttle, same 30-second step
    client.post("/accounts/two-factor/disable/", {"otp_token": code_for(device)})
    assert not TOTPDevice.objects.filter(user=rm).exists()


@pytest.mark.django_db
def test_required_staff_cannot_turn_it_off(client, admin_user, enrolled, settings, frozen):
    settings.OTP_REQUIRED_FOR_STAFF = True
    device = enrolled(admin_user)
    client.force_login(admin_user)

    client.post("/accounts/two-factor/disable/", {"otp_token": code_for(device)})

    assert TOTPDevice.objects.filter(user=admin_user).exists()
