from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth.models import Group

from . import roles


class AccountAdapter(DefaultAccountAdapter):
    """Everyone who signs up is a Participant; other roles are given by an Editor."""

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            group, _ = Group.objects.get_or_create(name=roles.PARTICIPANT)
            user.groups.add(group)
        return user
