"""Role predicates (django-rules). Object-level rules in the apps combine these with `&` and `|`."""

import rules

from . import roles

is_participant = rules.is_group_member(roles.PARTICIPANT)
is_expert = rules.is_group_member(roles.EXPERT)
is_facilitator = rules.is_group_member(roles.FACILITATOR)
is_commissioner = rules.is_group_member(roles.COMMISSIONER)
is_editor = rules.is_group_member(roles.EDITOR)
is_support_worker = rules.is_group_member(roles.SUPPORT_WORKER)

is_staff_role = is_commissioner | is_facilitator | is_editor | rules.is_superuser

rules.add_perm("accounts.assign_roles", is_editor | rules.is_superuser)
rules.add_perm("accounts.enter_assisted_response", is_support_worker | is_staff_role)

# The people who look for experts by experience: the directory, matching and invitations.
is_finder = is_commissioner | is_facilitator
