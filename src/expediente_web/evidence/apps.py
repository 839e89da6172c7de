from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "expediente_web.evidence"
    label = "evidence"
