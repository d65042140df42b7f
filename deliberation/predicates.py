"""Who someone is to a co-production group or session (django-rules predicates), for the room's
rules (`rules.py`) and statement voting's (`opinions/rules.py`) alike.

The object is a `Session` or a `CoproductionGroup`. Each predicate asks the database, so a member
removed from a group loses access at their next message, not at their next connection."""

import rules


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


@rules.predicate
def has_place(user, session) -> bool:
    """Registered for this session with a place (not only on the waiting list)."""
    if session is None or not user.is_authenticated or not hasattr(session, "attendances"):
        return False
    return session.attendances.filter(user=user, place="confirmed").exists()
