from django.urls import include, path

from harassguard.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("", include("cases.urls")),
    path("", include("evidence.urls")),
    path("", include("complaints.urls")),
]
