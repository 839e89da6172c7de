from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "expediente_web.assessment"
    label = "assessment"
    verbose_name = "Assessment"
