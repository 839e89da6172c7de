from django.urls import include, path
from django.views.i18n import set_language

from expediente_web.site import views

urlpatterns = [
    path("", views.home, name="home"),
    path("cases/<slug:code>/", views.case_records, name="case-records"),
    path("cases/<slug:code>/linkage/", include("expediente_web.analyses.urls")),
    path("cases/<slug:code>/", include("expediente_web.workspace.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("cases/<slug:code>/jobs/", include("expediente_web.jobs.urls")),
    path("cases/<slug:code>/import/", include("expediente_web.intake.urls")),
    path("cases/<slug:code>/search/", include("expediente_web.search.urls")),
    path("cases/<slug:code>/discussion/", include("expediente_web.discussion.urls")),
    path("cases/<slug:code>/dashboard/", include("expediente_web.dashboard.urls")),
    path("cases/<slug:code>/reports/", include("expediente_web.reports.urls")),
    path("cases/<slug:code>/assessment/", include("expediente_web.assessment.urls")),
    path("cases/<slug:code>/examination/", include("expediente_web.examination.urls")),
    path("cases/<slug:code>/panel/", include("expediente_web.panel.urls")),
    path("notifications/", include("expediente_web.discussion.notification_urls")),
    path("", include("expediente_web.submissions.urls")),
]
