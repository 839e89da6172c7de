from django.urls import include, path

urlpatterns = [
    path("", include("expediente_web.accounts.urls")),
    path("", include("expediente_web.site.urls")),
    path("api/", include("expediente_web.api.urls")),
]
