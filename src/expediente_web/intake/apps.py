from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "expediente_web.intake"
    label = "intake"
