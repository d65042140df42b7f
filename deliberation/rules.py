"""Who may do what with co-production groups and their sessions (django-rules).

The object is a `Session` for session rules and a `CoproductionGroup` for group rules. Each
predicate asks the database, so a member removed from a group loses access at their next
message, not at their next connection."""

import rules

from coproduce.accounts.rules import is_commissioner, is_editor


def _group_of(obj):
    if obj is None:
        return None
    return getattr(obj, "group", obj)


@rules.predicate
def is_group_facilitator(user, obj) -> bool:
    group = _group_of(obj)
    if group is None or not user.is_authenticated:
        return False
    return group.facilitators.filter(pk=user.pk).exists()


@rules.predicate
def is_group_member(user, obj) -> bool:
    group = _group_of(obj)
    if group is None or not user.is_authenticated:
        return False
    return group.members.filter(pk=user.pk).exists()


@rules.predicate
def session_allows_observers(user, session) -> bool:
    return session is not None and user.is_authenticated and session.allow_observers


takes_part = is_group_facilitator | is_group_member
can_watch = takes_part | session_allows_observers

# Joining the room (members and facilitators speak; observers only watch).
rules.add_perm("deliberation.enter_room", can_watch)
rules.add_perm("deliberation.take_part", takes_part)
rules.add_perm("deliberation.facilitate", is_group_facilitator)
# Who is coming and what support they asked for: the group's facilitators only.
rules.add_perm("deliberation.view_preparation_list", is_group_facilitator)
rules.add_perm("deliberation.register_attendance", is_group_member)
# The record of a session: those who could be in the room, and commissioners and editors,
# whose decisions cite it.
rules.add_perm("deliberation.view_transcript", can_watch | is_commissioner | is_editor)
rules.add_perm("deliberation.write_summary", is_group_facilitator)
# Group pages: the member list is for the group itself.
rules.add_perm("deliberation.view_group_members", takes_part)

# Statement voting's rules (deliberation/opinions/rules.py) register with the room's.
from .opinions import rules as _opinion_rules  # noqa: E402, F401
