"""Every deliberation rule over every role: facilitator of this group, member of this group,
facilitator of another group, and each platform role with no tie to the group."""

import pytest
from django.contrib.auth.models import AnonymousUser

from coproduce.accounts import roles
from tests import factories

pytestmark = pytest.mark.django_db

PEOPLE = [
    "anonymous",
    "participant",
    "expert",
    "commissioner",
    "editor",
    "support_worker",
    "other_facilitator",
    "member",
    "facilitator",
]

# rule -> the people it allows, when the session does not allow observers.
EXPECTED = {
    "deliberation.enter_room": {"member", "facilitator"},
    "deliberation.take_part": {"member", "facilitator"},
    "deliberation.facilitate": {"facilitator"},
    "deliberation.view_preparation_list": {"facilitator"},
    "deliberation.register_attendance": {"member"},
    "deliberation.view_transcript": {"member", "facilitator", "commissioner", "editor"},
    "deliberation.write_summary": {"facilitator"},
    "deliberation.view_group_members": {"member", "facilitator"},
    # Who took part in a year, against who lives here: counts only, not for members.
    "deliberation.view_who_took_part": {"facilitator", "commissioner"},
}
GROUP_RULES = {"deliberation.view_group_members", "deliberation.view_who_took_part"}
SIGNED_IN = set(PEOPLE) - {"anonymous"}
# With observers allowed, anyone signed in may watch and read the record; nothing else changes.
WITH_OBSERVERS = {
    **EXPECTED,
    "deliberation.enter_room": SIGNED_IN,
    "deliberation.view_transcript": SIGNED_IN,
}


@pytest.fixture
def people(role_user):
    facilitator = role_user(roles.FACILITATOR)
    member = role_user(roles.EXPERT)
    other_facilitator = role_user(roles.FACILITATOR)
    factories.CoproductionGroupFactory(facilitators=[other_facilitator])
    group = factories.CoproductionGroupFactory(members=[member], facilitators=[facilitator])
    return group, {
        "anonymous": AnonymousUser(),
        "participant": role_user(roles.PARTICIPANT),
        "expert": role_user(roles.EXPERT),
        "commissioner": role_user(roles.COMMISSIONER),
        "editor": role_user(roles.EDITOR),
        "support_worker": role_user(roles.SUPPORT_WORKER),
        "other_facilitator": other_facilitator,
        "member": member,
        "facilitator": facilitator,
    }


@pytest.mark.parametrize("allow_observers", [False, True], ids=["members-only", "observers"])
@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_rule_over_every_role(people, rule, allow_observers):
    group, users = people
    session = factories.SessionFactory(group=group, allow_observers=allow_observers)
    target = group if rule in GROUP_RULES else session
    expected = (WITH_OBSERVERS if allow_observers else EXPECTED)[rule]
    allowed = {name for name, user in users.items() if user.has_perm(rule, target)}
    assert allowed == expected


def test_rules_without_an_object_allow_nobody(people):
    _group, users = people
    for rule in EXPECTED:
        assert not users["facilitator"].has_perm(rule, None), rule
