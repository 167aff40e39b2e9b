from django.urls import include, path

from harassguard import pwa
from harassguard.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("manifest.webmanifest", pwa.web_manifest, name="web-manifest"),
    path("offline/", pwa.offline, name="offline"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("", include("cases.urls")),
    path("", include("evidence.urls")),
    path("", include("complaints.urls")),
]
