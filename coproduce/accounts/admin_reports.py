"""Who may open the Wagtail admin's reports: each report URL checks the role's permission
(`rules.py`), and the Reports menu shows only what the person may open (`wagtail_hooks.py`).

Wagtail gates most reports by page permissions only, and the site history by nothing but admin
access, so a Facilitator could read everyone's admin actions and email addresses there."""

from functools import wraps

from django.urls import URLPattern

# Imported for its side effect first: Wagtail decorates the report views (admin access check,
# never_cache) in place when its admin URLconf loads; the guarded copies below wrap those.
from wagtail.admin import urls as _wagtail_admin_urls  # noqa: F401
from wagtail.admin.auth import permission_denied
from wagtail.admin.urls import reports as wagtail_reports

from coproduce.accounts.report_permissions import report_permission


def _guarded(view, permission: str):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        # Signed out, or without admin access: Wagtail's own check (inside `view`) answers.
        if request.user.has_perm("wagtailadmin.access_admin") and not request.user.has_perm(
            permission
        ):
            return permission_denied(request)
        return view(request, *args, **kwargs)

    return guarded


def guarded_report_urls() -> list[URLPattern]:
    """Every Wagtail report URL again, each behind its permission, for `coproduce/urls.py` to
    place before Wagtail's admin URLs. They carry no names: `reverse` still finds Wagtail's
    (same paths), and a report added by a later Wagtail release is guarded too."""
    return [
        URLPattern(
            pattern.pattern,
            _guarded(pattern.callback, report_permission(pattern.name or "")),
            pattern.default_args,
        )
        for pattern in wagtail_reports.urlpatterns
    ]
