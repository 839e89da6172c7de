from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "expediente_web.submissions"
    label = "submissions"
