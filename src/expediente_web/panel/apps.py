from django.apps import AppConfig


class PanelConfig(AppConfig):
    name = "expediente_web.panel"
    label = "panel"
    verbose_name = "Panel review"
