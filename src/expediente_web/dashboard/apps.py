from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "expediente_web.dashboard"
    label = "dashboard"
