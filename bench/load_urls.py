from django.http import HttpResponse
from django.urls import include, path


def hello(request):
    return HttpResponse("hello")


urlpatterns = [path("hello/", hello), path("", include("harassguard.urls"))]
