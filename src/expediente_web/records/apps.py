from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "expediente_web.records"
    label = "records"
