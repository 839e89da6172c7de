from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "expediente_web.intake"
    label = "intake"

    def ready(self) -> None:
        from expediente_web.intake.jobs import register

        register()
