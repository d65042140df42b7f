"""Which permission each of the Wagtail admin's reports needs, and whether a person may open one
(the Reports menu asks this in `wagtail_hooks.py`; `admin_reports.py` guards the URLs).

Apart from `admin_reports.py` because that one loads Wagtail's admin URLconf, which runs every
app's `register_admin_urls` hook: imported from `wagtail_hooks.py`, it would run them before
this app's own hooks were registered."""

from django.urls import resolve
from django.urls.exceptions import Resolver404

SITE_HISTORY_PERMISSION = "accounts.view_site_history"
PAGE_REPORTS_PERMISSION = "accounts.view_page_reports"


def report_permission(url_name: str) -> str:
    """The permission a report's URL (by its name in `wagtailadmin_reports`) needs."""
    if url_name.startswith("site_history"):
        return SITE_HISTORY_PERMISSION
    return PAGE_REPORTS_PERMISSION


def may_open_report(user, url: str) -> bool:
    """Whether `user` may open the report at `url` (a path under /admin/reports/)."""
    try:
        match = resolve(url)
    except Resolver404:
        return False
    if match.url_name is None:
        return False
    return user.has_perm(report_permission(match.url_name))
