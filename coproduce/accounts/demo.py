"""Demo accounts, one per role, for trying the site. Used only by `manage.py seed_demo`."""

import secrets

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from . import roles

DEMO_ACCOUNTS = [
    # email, display name, roles
    ("participant@example.org", "Pat Okafor", [roles.PARTICIPANT]),
    ("expert@example.org", "Sam Whitfield", [roles.PARTICIPANT, roles.EXPERT]),
    ("facilitator@example.org", "Rina Desai", [roles.FACILITATOR]),
    ("commissioner@example.org", "Morgan Hale", [roles.COMMISSIONER]),
    ("editor@example.org", "Alex Byrne", [roles.EDITOR]),
    ("supporter@example.org", "Jo Lindqvist", [roles.SUPPORT_WORKER]),
]


def seed_demo_accounts(*, password: str | None) -> tuple[dict, str | None]:
    """Create or update the demo accounts, verified. With `password`, every account gets it.
    Without, new accounts get one random password (returned, to print once) and existing
    accounts keep theirs. Returns ({email: user}, the password newly set or None)."""
    User = get_user_model()
    new_password = password
    users = {}
    for email, name, role_names in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(email=email, defaults={"display_name": name})
        if created and new_password is None:
            new_password = secrets.token_urlsafe(12)
        if password or created:
            user.set_password(new_password)
            user.save(update_fields=["password"])
        user.groups.add(*Group.objects.filter(name__in=role_names))
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        users[email] = user
    return users, new_password
