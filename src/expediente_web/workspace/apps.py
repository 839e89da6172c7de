from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    name = "expediente_web.workspace"
    label = "workspace"
