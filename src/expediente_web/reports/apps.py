from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "expediente_web.reports"
    label = "reports"

    def ready(self) -> None:
        from expediente_web.reports.jobs import register

        register()
