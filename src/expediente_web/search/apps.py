from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "expediente_web.search"
    label = "search"
    verbose_name = "Search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from expediente_web.search import signals  # noqa: F401 (connects the receivers)
