"""Optional TOTP second factor (django-otp) for the browser login and the admin.

A user with a confirmed TOTP device logs in with password + 6-digit code; the session is then
"verified" (django-otp's OTPMiddleware). The admin requires a verified session from anyone who
has a device, and with `OTP_REQUIRED_FOR_STAFF` it also refuses staff who have none yet, sending
them to enrol. API tokens are not affected (docs/security.md, "Authentication").
"""

from django import forms
from django.conf import settings
from django.contrib.auth import user_login_failed
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

CODE_FIELD = "otp_token"


def confirmed_devices(user):
    """The user's confirmed TOTP devices."""
    if not getattr(user, "is_authenticated", False):
        return TOTPDevice.objects.none()
    return TOTPDevice.objects.filter(user=user, confirmed=True)


def has_device(user) -> bool:
    return confirmed_devices(user).exists()


def is_verified(user) -> bool:
    """True when this request's session was verified with a code (OTPMiddleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def verify_code(user, token: str):
    """The user's confirmed device that accepts the code (throttled by django-otp), or None."""
    for device in confirmed_devices(user):
        verified = verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


def admin_otp_ok(user) -> bool:
    """Enrolled users need a verified session; without a device, staff pass unless required."""
    if has_device(user):
        return is_verified(user)
    return not settings.OTP_REQUIRED_FOR_STAFF


class CodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Authentication code"))
        kwargs.setdefault("max_length", 6)
        kwargs.setdefault("min_length", 6)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}"}
        )

    def clean(self, value):
        value = super().clean((value or "").replace(" ", ""))
        if value and not value.isdigit():
            raise forms.ValidationError(_("Enter the 6 digits shown by your authenticator app."))
        return value


class OTPAuthenticationForm(AuthenticationForm):
    """Username and password, plus the 6-digit code when the user has enrolled a device."""

    otp_token = CodeField(required=False)

    def clean(self):
        cleaned = super().clean()
        user = self.get_user()
        if user is None or not has_device(user):
            return cleaned
        token = cleaned.get(CODE_FIELD)
        if not token:
            raise forms.ValidationError(
                {CODE_FIELD: _("Enter the 6-digit code from your authenticator app.")}
            )
        device = verify_code(user, token)
        if device is None:
            # Counted like a wrong password, so django-axes locks guessing out as well.
            user_login_failed.send(
                sender=__name__,
                credentials={"username": user.get_username()},
                request=self.request,
            )
            raise forms.ValidationError(
                {CODE_FIELD: _("The code is wrong or expired. Try the current code.")}
            )
        # django-otp's user_logged_in handler persists this device in the session: verified.
        user.otp_device = device
        return cleaned


class EnrolForm(forms.Form):
    otp_token = CodeField(required=True)


class DisableForm(forms.Form):
    otp_token = CodeField(required=True)
