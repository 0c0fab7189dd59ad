"""The admin site: staff with a TOTP device need a verified session; with
`OTP_REQUIRED_FOR_STAFF`, staff without one are sent to enrol first."""

from urllib.parse import urlencode

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .two_factor import admin_otp_ok, has_device


class CrmAdminSite(admin.AdminSite):
    site_header = "Corporate-loan CRM"
    site_title = "CRM admin"

    def has_permission(self, request):
        return super().has_permission(request) and admin_otp_ok(request.user)

    def login(self, request, extra_context=None):
        """One login page for the whole product: the one that asks for the code."""
        user = request.user
        next_url = request.GET.get("next") or reverse("admin:index")
        if user.is_authenticated and user.is_active and user.is_staff:
            if not has_device(user):
                # Only reached when OTP_REQUIRED_FOR_STAFF refuses a staff user without device.
                messages.warning(request, _("Set up two-factor authentication to use the admin."))
                return redirect(f"{reverse('two-factor')}?{urlencode({'next': next_url})}")
            messages.warning(request, _("Log in again with your authentication code."))
        return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}")
