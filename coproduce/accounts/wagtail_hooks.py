"""Admin hooks for accounts: the Reports menu shows only the reports a role may open."""

from wagtail import hooks

from .admin_reports import may_open_report


@hooks.register("construct_reports_menu")
def reports_for_roles_that_need_them(request, menu_items):
    menu_items[:] = [item for item in menu_items if may_open_report(request.user, item.url)]
