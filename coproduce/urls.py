from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from coproduce.home import views as home_views
from coproduce.operations import views as operations_views

# The site's own error page, rendered without the database (coproduce/operations/views.py).
handler500 = operations_views.server_error

urlpatterns = [
    # For load balancers and orchestrators (docs/deployment.md).
    path("health/live/", operations_views.live, name="health-live"),
    path("health/ready/", operations_views.ready, name="health-ready"),
    path("admin/", include(wagtailadmin_urls)),
    path("accounts/", include("allauth.urls")),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", home_views.search, name="search"),
    path("", include("engagement.urls")),
    path("", include("deliberation.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving comes last: it matches every other path.
urlpatterns.append(path("", include(wagtail_urls)))
