"""Root URLs: browser pages, the admin, the API and the health check."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .two_factor import OTPAuthenticationForm

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=OTPAuthenticationForm),
        name="login",
    ),
    path("accounts/two-factor/", views.two_factor, name="two-factor"),
    path("accounts/two-factor/disable/", views.two_factor_disable, name="two-factor-disable"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("crm.api.urls", "api"), namespace="api")),
    path("customers/", include("customers.urls")),
    path("loans/", include("loans.urls")),
    path("risk/", include("risk.urls")),
    path("interactions/", include("interactions.urls")),
    path("notifications/", include("notifications.urls")),
    path("dashboard/", include("dashboard.urls")),
    # The compliance access-log search and the customers' audit trail.
    path("", include("audit.urls")),
    path("privacy/", include("privacy.urls")),
]


def handler404(request, exception):
    """API paths that match no route answer in JSON like every other API error; pages keep
    Django's HTML page."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse
        from django.utils.translation import gettext as _

        return JsonResponse({"detail": _("Not found.")}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)
