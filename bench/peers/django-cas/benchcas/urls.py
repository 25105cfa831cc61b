"""CAS under /cas, as in Tessera, and /live: an answer that touches no database, the
baseline of the run."""
from django.http import HttpResponse
from django.urls import include, path


def live(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("live", live),
    path("cas/", include("cas_server.urls", namespace="cas_server")),
]
