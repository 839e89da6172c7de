from django.urls import include, path

urlpatterns = [
    path("", include("expediente_web.site.urls")),
]
