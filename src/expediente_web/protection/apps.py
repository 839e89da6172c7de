from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "expediente_web.protection"
    label = "protection"
    verbose_name = "Protection of identifying data"

    def ready(self) -> None:
        # Registers the system checks (the secret key) with Django's check framework.
        from expediente_web.protection import system_checks  # noqa: F401
