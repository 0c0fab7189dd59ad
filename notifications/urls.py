"""Browser pages of the notifications app."""

from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="notification-list"),
    path("bell/", views.bell, name="bell"),
    path("read-all/", views.notification_mark_all_read, name="notification-mark-all-read"),
    path("<int:pk>/read/", views.notification_mark_read, name="notification-mark-read"),
    path("<int:pk>/acknowledge/", views.notification_acknowledge, name="notification-acknowledge"),
    path("ops/", views.ops, name="ops"),
]
