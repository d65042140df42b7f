"""The site's URLs plus one bench-only page: a minimal Django view (no database, no template),
served by the same server with the same settings and middleware, the ceiling the pages are
measured against (bench/pages.py). Used only by bench/settings.py; never by the product."""

from django.http import HttpResponse
from django.urls import include, path


def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/minimal/", minimal, name="bench_minimal"),
    path("", include("coproduce.urls")),
]
