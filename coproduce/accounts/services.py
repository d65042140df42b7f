"""Giving and taking roles."""

from collections.abc import Iterable

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import roles


@transaction.atomic
def user_set_roles(*, user, role_names: Iterable[str], by) -> None:
    """Give `user` exactly the roles in `role_names` (any of `roles.ALL_ROLES`), taking away the
    others. Only someone who may assign roles (an Editor) may, and only these roles: never
    administrator rights or any other group, so nobody gives more than their own role can.
    An Editor cannot take their own Editor role away (another Editor must), so the site is
    never left without anyone who can give roles by accident."""
    if not by.has_perm("accounts.assign_roles"):
        raise PermissionDenied
    wanted = set(role_names)
    unknown = wanted - set(roles.ALL_ROLES)
    if unknown:
        raise ValidationError(_("Choose from the roles given."), code="unknown_role")
    if user.pk == by.pk and roles.EDITOR not in wanted and not by.is_superuser:
        raise ValidationError(
            _("You cannot take away your own Editor role. Ask another editor."),
            code="own_editor_role",
        )
    groups = Group.objects.filter(name__in=roles.ALL_ROLES)
    user.groups.remove(*[group for group in groups if group.name not in wanted])
    user.groups.add(*[group for group in groups if group.name in wanted])
