from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from coproduce import easy_read
from coproduce.accounts import views as account_views
from coproduce.accounts.admin_reports import guarded_report_urls
from coproduce.home import views as home_views
from coproduce.operations import views as operations_views

# The site's own error page, rendered without the database (coproduce/operations/views.py).
handler500 = operations_views.server_error

urlpatterns = [
    # For load balancers and orchestrators (docs/deployment.md).
    path("health/live/", operations_views.live, name="health-live"),
    path("health/ready/", operations_views.ready, name="health-ready"),
    # One sign-in form (allauth's), throttled by one lock (docs/security.md): the admin's and
    # Wagtail's front-end login send people there; the code pages are allauth's with the lock.
    path("admin/login/", account_views.admin_login, name="wagtailadmin_login"),
    path("_util/login/", account_views.frontend_login, name="wagtailcore_login"),
    path(
        "accounts/login/code/",
        account_views.LockedRequestLoginCodeView.as_view(),
        name="account_request_login_code",
    ),
    path(
        "accounts/login/code/confirm/",
        account_views.LockedConfirmLoginCodeView.as_view(),
        name="account_confirm_login_code",
    ),
    # The admin's reports, each behind the permission its role needs (docs/security.md).
    path("admin/reports/", include(guarded_report_urls())),
    path("admin/", include(wagtailadmin_urls)),
    path("accounts/", include("allauth.urls")),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", home_views.search, name="search"),
    path("", include("coproduce.notifications.urls")),  # one-click unsubscribe
    path("", include("engagement.api")),  # the open-data API, /api/v1/
    path("my/passport/", include("coproduce.passport.urls")),
    path("easy-read/", easy_read.switch, name="easy_read_switch"),
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
