"""The one way a view refuses: ask the rule by name (django-rules, `user.has_perm`) and raise
403 when it says no."""

from django.core.exceptions import PermissionDenied


def require_perm(user, permission: str, obj=None) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied
