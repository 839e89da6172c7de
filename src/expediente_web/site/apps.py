from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "expediente_web.site"
    label = "site"
