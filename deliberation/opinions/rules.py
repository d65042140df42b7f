"""Who may vote on, see and moderate a statements activity (django-rules; the object is a
`StatementActivity`). An activity on a session's agenda follows that session's room rules; an
imported conversation with no session is for commissioners and editors."""

import rules

from coproduce.accounts.rules import is_commissioner, is_editor
from deliberation.predicates import can_watch, is_group_facilitator, takes_part


def _session(activity):
    if activity is None or activity.agenda_item_id is None:
        return None
    return activity.agenda_item.session


@rules.predicate
def in_a_session(user, activity) -> bool:
    return _session(activity) is not None


@rules.predicate
def takes_part_in_its_session(user, activity) -> bool:
    session = _session(activity)
    return session is not None and takes_part.test(user, session)


@rules.predicate
def watches_its_session(user, activity) -> bool:
    session = _session(activity)
    return session is not None and can_watch.test(user, session)


@rules.predicate
def facilitates_its_session(user, activity) -> bool:
    session = _session(activity)
    return session is not None and is_group_facilitator.test(user, session)


staff = is_commissioner | is_editor

rules.add_perm("deliberation.vote_statements", takes_part_in_its_session)
rules.add_perm("deliberation.view_opinions", watches_its_session | staff)
rules.add_perm(
    "deliberation.moderate_statements", facilitates_its_session | (~in_a_session & staff)
)
rules.add_perm("deliberation.export_statements", facilitates_its_session | staff)
