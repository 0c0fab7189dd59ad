"""URLs of the audit app: `/compliance/...` and a customer's change history."""

from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("compliance/access-log/", views.access_log_search, name="access-log"),
    path("compliance/access-log/export/", views.access_log_export, name="access-log-export"),
    path(
        "customers/<int:pk>/audit-trail/",
        views.customer_history,
        name="customer-history",
    ),
]
