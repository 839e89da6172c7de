from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "expediente_web.cases"
    label = "cases"
