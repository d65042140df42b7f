"""Who someone is to a co-production group or session (django-rules predicates), for the room's
rules (`rules.py`) and statement voting's (`opinions/rules.py`) alike.

The object is a `Session` or a `CoproductionGroup`. Who someone is to a group is read from the
database once per request or room message (`group_roles`, one query for both roles) and
forgotten at the start of the next room message (`forget_group_roles`), so a member removed from
a group loses access at their next message, not at their next connection."""

import rules
from django.db import connections
from django.db.models import Exists, OuterRef

from .models import CoproductionGroup

# Where `group_roles` keeps its answers on the user object: {group id: (facilitator, member)}.
_ROLES_ATTRIBUTE = "_coproduction_group_roles"


# Both roles in one query, written out: it is asked at every room message, where building it
# with the ORM cost as much as running it (bench/append_path.py).
_ROLES_TABLES = [
    getattr(CoproductionGroup, name).through._meta.db_table for name in ("facilitators", "members")
]
_ROLE_CONDITION = (
    "EXISTS(SELECT 1 FROM {table} WHERE coproductiongroup_id = {group} AND user_id = {user})"
)
_ROLES_SQL = "SELECT " + ", ".join(
    _ROLE_CONDITION.format(table=table, group="%s", user="%s") for table in _ROLES_TABLES
)


def takes_part_sql(group: str, user: str) -> str:
    """`takes_part` (below) as an SQL condition on the group `group` and the user `user` (SQL
    expressions or placeholders), for a statement that must hold the rule at the moment it
    writes: the room's contribution (`services.contribution_create`) checks it in the same
    statement that appends, instead of a query before it. Same tables, same meaning: a
    facilitator or a member of the group (`tests/deliberation/test_append_cost.py` compares
    the two for every kind of person)."""
    # `group` and `user` come from the code (a column, a placeholder), never from a request.
    conditions = (_ROLE_CONDITION.format(table=t, group=group, user=user) for t in _ROLES_TABLES)
    return "(" + " OR ".join(conditions) + ")"


def _group_of(obj):
    if obj is None:
        return None
    return getattr(obj, "group", obj)


def _remembered(user) -> dict:
    """The roles kept on `user`: {group id: (facilitator, member)}, made empty if none."""
    # getattr and setattr, not the object's __dict__: the room's user is a lazy object whose
    # attributes are the real user's (has_perm passes the real one to the rules).
    remembered = getattr(user, _ROLES_ATTRIBUTE, None)
    if remembered is None:
        remembered = {}
        setattr(user, _ROLES_ATTRIBUTE, remembered)
    return remembered


def group_roles(user, group) -> tuple[bool, bool]:
    """(is a facilitator, is a member) of `group`: one query, remembered on `user` (an HTTP
    request's user object lives for that request; the room forgets it at every message)."""
    remembered = _remembered(user)
    if group.pk not in remembered:
        with connections[CoproductionGroup.objects.db].cursor() as cursor:
            cursor.execute(_ROLES_SQL, [group.pk, user.pk, group.pk, user.pk])
            facilitator, member = cursor.fetchone()
        remembered[group.pk] = (bool(facilitator), bool(member))
    return remembered[group.pk]


def with_group_roles(objects, user, group_field: str = "group_id"):
    """`objects` (a queryset of sessions, by default) annotated with `user`'s two roles in
    their group, so the object and who the person is to its group come in one query; give
    each to `remember_group_roles` and the rules ask the database nothing more for it."""

    def role(relation: str) -> Exists:
        through = getattr(CoproductionGroup, relation).through
        return Exists(
            through.objects.filter(coproductiongroup_id=OuterRef(group_field), user_id=user.pk)
        )

    return objects.annotate(_user_facilitates=role("facilitators"), _user_is_member=role("members"))


def remember_group_roles(user, obj) -> None:
    """Keep the roles `with_group_roles` read for `obj`'s group on `user`, as `group_roles`
    would have after asking (the room forgets them at its next message, as ever)."""
    _remembered(user)[_group_of(obj).pk] = (bool(obj._user_facilitates), bool(obj._user_is_member))


def forget_group_roles(user) -> None:
    """Ask the database again next time (the room calls this before each message)."""
    if getattr(user, _ROLES_ATTRIBUTE, None) is not None:
        setattr(user, _ROLES_ATTRIBUTE, None)


@rules.predicate
def is_group_facilitator(user, obj) -> bool:
    group = _group_of(obj)
    if group is None or not user.is_authenticated:
        return False
    return group_roles(user, group)[0]


@rules.predicate
def is_group_member(user, obj) -> bool:
    group = _group_of(obj)
    if group is None or not user.is_authenticated:
        return False
    return group_roles(user, group)[1]


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
