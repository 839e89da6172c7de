from django.urls import path

from expediente_web.submissions import views

app_name = "submissions"

urlpatterns = [
    # The public's: no account, nothing of the case but the form's public title.
    path("submit/<slug:slug>/", views.submit, name="submit"),
    path("submit/<slug:slug>/follow-up/", views.follow_up, name="follow-up"),
    # The case team's triage, and the owners' setting.
    path("cases/<slug:code>/submissions/", views.triage_list, name="list"),
    path("cases/<slug:code>/submissions/settings/", views.setting, name="setting"),
    path("cases/<slug:code>/submissions/<uuid:uid>/", views.triage_detail, name="detail"),
    path("cases/<slug:code>/submissions/<uuid:uid>/accept/", views.accept, name="accept"),
    path("cases/<slug:code>/submissions/<uuid:uid>/reject/", views.reject, name="reject"),
    path(
        "cases/<slug:code>/submissions/<uuid:uid>/files/<uuid:file_uid>/",
        views.attachment,
        name="attachment",
    ),
]
