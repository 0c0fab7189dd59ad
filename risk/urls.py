"""Browser pages of the risk app."""

from django.urls import path

from . import views

app_name = "risk"

urlpatterns = [
    path("alerts/", views.alert_list, name="alert-list"),
    path("alerts/bulk/", views.alert_bulk, name="alert-bulk"),
    path("alerts/new/", views.alert_create, name="alert-create"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert-detail"),
    path(
        "alerts/<int:pk>/<str:action>/",
        views.alert_action,
        name="alert-action",
    ),
    path("events/", views.event_list, name="event-list"),
    path("post-loan-checks/", views.post_loan_checks, name="post-loan-checks"),
    path("watch-list/", views.watch_list, name="watch-list"),
    path(
        "watch-list/<int:pk>/<str:action>/",
        views.watch_list_entry_action,
        name="watch-list-action",
    ),
]
