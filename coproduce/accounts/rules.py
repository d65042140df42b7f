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
# Who is shown the way to the Wagtail admin from the public site (the roles the role migrations
# give `wagtailadmin.access_admin`); a rule on cached group names, so the header costs no query.
rules.add_rule("accounts.uses_admin", is_staff_role)

rules.add_perm("accounts.assign_roles", is_editor | rules.is_superuser)
rules.add_perm("accounts.enter_assisted_response", is_support_worker | is_staff_role)

# The people who look for experts by experience: the directory, matching and invitations.
is_finder = is_commissioner | is_facilitator

# The Wagtail admin's reports (docs/security.md). The site history lists every admin action and
# whose it was (by email address where a person has no name): Editors only. The page reports
# (locked pages, workflows, ageing pages, page types): Editors and Commissioners, who run pages.
# Facilitators use the admin for their groups and sessions only, and get no reports.
rules.add_perm("accounts.view_site_history", is_editor | rules.is_superuser)
rules.add_perm("accounts.view_page_reports", is_editor | is_commissioner | rules.is_superuser)
