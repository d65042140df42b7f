"""Who may do what with co-production groups and their sessions (django-rules).

The predicates are in `predicates.py`; statement voting's rules (`opinions/rules.py`) register
with these."""

import rules

from coproduce.accounts.rules import is_commissioner, is_editor

# Statement voting's rules register with the room's (django-rules loads only this module).
from deliberation.opinions import rules as _opinion_rules  # noqa: F401
from deliberation.predicates import (  # noqa: F401  (the room's rules use them by name)
    can_watch,
    has_place,
    is_group_facilitator,
    is_group_member,
    session_allows_observers,
    takes_part,
)

# Joining the room (members and facilitators speak; observers only watch).
rules.add_perm("deliberation.enter_room", can_watch)
rules.add_perm("deliberation.take_part", takes_part)
rules.add_perm("deliberation.facilitate", is_group_facilitator)
# Who is coming and what support they asked for: the group's facilitators only.
rules.add_perm("deliberation.view_preparation_list", is_group_facilitator)
rules.add_perm("deliberation.register_attendance", is_group_member)
# The online meeting link: only people with a place (and the facilitators who run it).
rules.add_perm("deliberation.see_online_link", is_group_facilitator | has_place)
# The record of a session: those who could be in the room, and commissioners and editors,
# whose decisions cite it.
rules.add_perm("deliberation.view_transcript", can_watch | is_commissioner | is_editor)
rules.add_perm("deliberation.write_summary", is_group_facilitator)
# Group pages: the member list is for the group itself.
rules.add_perm("deliberation.view_group_members", takes_part)
# Who took part in a year, against who lives here (counts only, through disclosure control):
# commissioners, and the group's own facilitators. Not members: docs/representativeness.md.
rules.add_perm("deliberation.view_who_took_part", is_group_facilitator | is_commissioner)
