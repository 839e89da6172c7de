from django.apps import AppConfig


class AnalysesConfig(AppConfig):
    name = "expediente_web.analyses"
    label = "analyses"
