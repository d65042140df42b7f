"""Admin hooks for accounts: the Reports menu shows only the reports a role may open; people
and roles in the Settings menu, for those who may give roles (Editors)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views
from .report_permissions import may_open_report


@hooks.register("construct_reports_menu")
def reports_for_roles_that_need_them(request, menu_items):
    menu_items[:] = [item for item in menu_items if may_open_report(request.user, item.url)]


@hooks.register("register_admin_urls")
def register_people_urls():
    return [
        path("people/", admin_views.people, name="accounts_people"),
        path("people/<int:user_id>/roles/", admin_views.person_roles, name="accounts_person_roles"),
    ]


class PeopleMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("accounts.assign_roles")


@hooks.register("register_settings_menu_item")
def register_people_menu_item():
    return PeopleMenuItem(
        _("People and roles"),
        reverse("accounts_people"),
        name="people-and-roles",
        icon_name="group",
        order=550,
    )
