from django.apps import AppConfig


class ExaminationConfig(AppConfig):
    name = "expediente_web.examination"
    label = "examination"
    verbose_name = "Examination"
