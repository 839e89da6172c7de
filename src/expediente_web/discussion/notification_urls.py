"""The signed-in user's notifications, under `notifications/`."""

from __future__ import annotations

from django.urls import path

from expediente_web.discussion import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:pk>/read/", views.notification_read, name="read"),
    path("read-all/", views.notifications_read_all, name="read-all"),
]
