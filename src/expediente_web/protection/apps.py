from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "expediente_web.protection"
    label = "protection"
    verbose_name = "Protection of identifying data"

