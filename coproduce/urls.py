from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from coproduce.home import views as home_views

urlpatterns = [
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

# Refused and bad requests on the site's layout, saying what to do next (coproduce/errors.py).
handler400 = "coproduce.errors.bad_request"
handler403 = "coproduce.errors.permission_denied"

# Wagtail's page serving comes last: it matches every other path.
urlpatterns.append(path("", include(wagtail_urls)))
