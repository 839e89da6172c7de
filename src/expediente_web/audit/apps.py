from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "expediente_web.audit"
    label = "audit"
